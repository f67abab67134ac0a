"""DDAS v1.2 (Data delen Armoede en Schulden), vroegsignalering: the Uitwisselmodel and the
collection contract by which CBS fetches it (``POST /gegevens``).

Pure modules: nothing here imports the case or intake models. The lead's data source adapts
them to :mod:`.source`; everything else works on the typed model in :mod:`.model`.
"""

SCHEMA_ID = (
    "https://raw.githubusercontent.com/VNG-Realisatie/ddas-vroegsignalering/main/v1.2/"
    "json_schema_Uitwisselmodel.json"
)
