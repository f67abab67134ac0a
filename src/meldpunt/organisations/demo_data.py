"""The Amsterdam covenant's participants and districts (public data), and a second, smaller
municipality sharing the meldpunt (a regional meldpunt), used by the seed and the tests."""

MUNICIPALITY = "Gemeente Amsterdam"
AMSTERDAM = ("0363", "Amsterdam", "convenant Amsterdamse aanpak vroegsignalering")
PARTNERS = [
    "De Alliantie",
    "Eigen Haard",
    "De Key",
    "Rochdale",
    "Stadgenoot",
    "Woonzorg Nederland",
    "Ymere",
    "Socius Wonen",
]
PROVIDERS = [
    "ABC Alliantie",
    "CentraM",
    "Civic",
    "Doras",
    "Dynamo",
    "MaDiZo",
    "Puur Zuid",
    "SEZO",
]
# district: (provider or None, [(start, end), ...]); Zuid, West and Weesp are assigned in
# configuration, the demo picks the candidates named in the covenant's practice.
DISTRICTS = {
    "Centrum": ("CentraM", [(1011, 1018)]),
    "Noord": ("Doras", [(1020, 1039)]),
    "Oost": ("Civic", [(1019, 1019), (1086, 1099)]),
    "Westpoort": (None, [(1040, 1049)]),
    "West": ("Dynamo", [(1050, 1059)]),
    "Nieuw-West": ("SEZO", [(1060, 1069)]),
    "Zuid": ("Puur Zuid", [(1070, 1083)]),
    "Zuidoost": ("MaDiZo", [(1100, 1109)]),
    "Weesp": ("ABC Alliantie", [(1380, 1384)]),
}

# A second municipality sharing the meldpunt, to show and test the separation. Fictitious
# organisations; Diemen's real CBS code and postcodes.
DIEMEN = ("0384", "Diemen", "convenant vroegsignalering Diemen (demo)")
DIEMEN_MUNICIPALITY = "Gemeente Diemen"
DIEMEN_PARTNERS = ["Woonstichting Diemen (demo)"]
DIEMEN_PROVIDERS = ["Buurtteam Diemen (demo)"]
DIEMEN_DISTRICTS = {"Diemen": ("Buurtteam Diemen (demo)", [(1110, 1114)])}

# Signal partners of other kinds that work for both municipalities (fictitious names).
OTHER_PARTNERS = {
    "Energie Voorbeeld (demo)": "Energie",
    "Waterbedrijf Voorbeeld (demo)": "Water",
    "Zorgverzekeraar Voorbeeld (demo)": "Zorg",
}
