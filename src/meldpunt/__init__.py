"""Meldpunt: Centraal Meldpunt vroegsignalering huurachterstanden."""
