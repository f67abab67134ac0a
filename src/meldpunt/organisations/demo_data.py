"""The Amsterdam covenant's participants and districts (public data), used by seed-demo."""

MUNICIPALITY = "Gemeente Amsterdam"
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
