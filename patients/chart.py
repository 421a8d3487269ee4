"""Links from a patient's chart to what other apps keep about them (documents, remote sessions, readings).

Each app adds its own from its AppConfig.ready():

    register_chart_link(ChartLink("documents", _("Documents"), "records:patient_documents",
                                  "records.view_document", 30))

The URL named by `url_name` takes the patient's UUID as its only argument; the link is shown to users
holding `permission`, and the page behind it makes its own access check.
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class ChartLink:
    key: str
    title: str
    url_name: str
    permission: str
    order: int = 100


_links: dict[str, ChartLink] = {}


def register_chart_link(link: ChartLink) -> None:
    _links[link.key] = link


def chart_links(user) -> list[ChartLink]:
    """The links this user's roles allow, in their order."""
    return [
        link for link in sorted(_links.values(), key=lambda link: (link.order, link.key)) if user.has_perm(link.permission)
    ]
