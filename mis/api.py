from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.decorators import api_view
from rest_framework.response import Response


class MeSerializer(serializers.Serializer):
    username = serializers.CharField()
    full_name = serializers.CharField()
    roles = serializers.ListField(child=serializers.CharField())


@extend_schema(responses=MeSerializer)
@api_view(["GET"])
def me(request):
    """The signed-in user and the roles they hold."""
    user = request.user
    return Response(
        MeSerializer(
            {"username": user.get_username(), "full_name": user.get_full_name(), "roles": sorted(user.role_names())}
        ).data
    )
