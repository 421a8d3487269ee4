"""Helpers for tests and benchmarks that need a signed-in user."""

from django.test import Client


def sign_in_verified(client: Client, user) -> Client:
    """Sign `user` in on `client` as if they had passed every sign-in step."""
    client.force_login(user)
    return client
