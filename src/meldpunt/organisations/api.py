"""Public reference data over the API: the participants of the covenant (no personal data)."""

from drf_spectacular.utils import extend_schema
from rest_framework import generics, serializers

from .models import Organisation


class OrganisationSerializer(serializers.ModelSerializer):
    code = serializers.CharField(source="slug")
    naam = serializers.CharField(source="name")
    soort = serializers.CharField(source="type")

    class Meta:
        model = Organisation
        fields = ["code", "naam", "soort"]


@extend_schema(summary="Deelnemende organisaties", tags=["organisaties"])
class OrganisationList(generics.ListAPIView):
    # Any API key may read the participants (accounts.scopes.ANY; organisations sits below
    # accounts in the layers, so the constant is written out).
    token_scopes = {"GET": "*"}
    serializer_class = OrganisationSerializer
    queryset = Organisation.objects.filter(is_active=True).order_by("slug")
    pagination_class = None
