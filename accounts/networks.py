"""Trusted address ranges (DSM80-28.1): where an organisation's staff may work from."""

import ipaddress

from .models import Organisation, TrustedNetwork


def parse_network(value: str) -> ipaddress.IPv4Network | ipaddress.IPv6Network:
    """A CIDR range or a single address (IPv4 or IPv6), normalised; ValueError when it is neither."""
    return ipaddress.ip_network(value.strip(), strict=False)


def restricting_organisations(user) -> list[Organisation]:
    """The user's organisations that allow staff in only from trusted addresses."""
    organisations = {}
    if user.organisation_id is not None and user.organisation is not None:
        organisations[user.organisation.pk] = user.organisation
    for assignment in user.active_role_assignments():
        organisations.setdefault(assignment.organisation_id, assignment.organisation)
    return [org for org in organisations.values() if org.restrict_to_trusted_networks]


def address_in_networks(address: str, networks) -> bool:
    """True when the address (IPv4, IPv6, or IPv4 mapped into IPv6) lies in one of the CIDR ranges."""
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    if ip.version == 6 and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    for network in networks:
        parsed = parse_network(network)
        if parsed.version == ip.version and ip in parsed:
            return True
    return False


def address_is_trusted(address: str, organisations: list[Organisation]) -> bool:
    """True when the address lies in a trusted range of any of the organisations."""
    ranges = TrustedNetwork.objects.filter(organisation__in=organisations).values_list("network", flat=True)
    return address_in_networks(address, ranges)
