"""Webhooks for signal partners: a signed POST when the feedback on one of their signals changes.

docs/adr/0110-api-contract.md, docs/webhooks.md.
"""
