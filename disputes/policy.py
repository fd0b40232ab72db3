"""Who may read and write political-dispute reviews: one rule, here, for every page and the services.

A review is the private working of an association or a council. Its owner's people read and write it:
the editors of the association (while it runs the link), or the council officers of the place (while
the place is a party to the link). Nobody else does, moderators and admins included: the hub's
staff keep the registry true, and a community's deliberation about its partners' government is not
the registry's. Pages answer 404 to everyone else, so that a review's existence is not given away.
Only the published summary is public (disputes.selectors.published_summaries_of).
"""

from __future__ import annotations

from dataclasses import dataclass

from accounts.policy import roles_of
from associations.models import Association
from links.models import Link, Party
from places.models import Place


@dataclass(frozen=True)
class Owners:
    """The associations and councils' places on whose behalf a user may work on one link's reviews."""

    associations: tuple[Association, ...] = ()
    places: tuple[Place, ...] = ()

    def __bool__(self) -> bool:
        return bool(self.associations or self.places)

    def choices(self) -> list[tuple[str, str]]:
        """("association-3", "Testford Twinning") … ("place-7", "the council of Testford"), for a form."""
        from django.utils.translation import gettext

        from places.local_names import local_name

        return [(f"association-{a.pk}", a.name) for a in self.associations] + [
            (f"place-{p.pk}", gettext("the council of %(place)s") % {"place": local_name(p)}) for p in self.places
        ]

    def pick(self, key: str) -> dict[str, object]:
        """The owner a choice names ("association-3", "place-7"), as review_create's keyword arguments."""
        kind, _dash, number = key.partition("-")
        association = next((a for a in self.associations if kind == "association" and str(a.pk) == number), None)
        place = next((p for p in self.places if kind == "place" and str(p.pk) == number), None)
        return {"association": association, "place": place}

    def owns(self, *, association_id: int | None, place_id: int | None) -> bool:
        if association_id is not None:
            return any(a.pk == association_id for a in self.associations)
        return place_id is not None and any(p.pk == place_id for p in self.places)


NOBODY = Owners()


def owners_for(user: object, link: Link) -> Owners:
    """The owners `user` speaks for on `link`: none for visitors and moderators as such (two queries at most)."""
    roles = roles_of(user)
    if not (roles.association_ids or roles.place_ids) or link.pk is None:
        return NOBODY
    associations = (
        tuple(Association.objects.filter(pk__in=roles.association_ids, links=link, removed=False).order_by("name"))
        if roles.association_ids
        else ()
    )
    places = (
        tuple(
            Place.objects.filter(
                pk__in=Party.objects.filter(link=link, place_id__in=roles.place_ids).values("place_id")
            ).order_by("name")
        )
        if roles.place_ids
        else ()
    )
    return Owners(associations=associations, places=places)


def can_work_on(user: object, link: Link) -> bool:
    """Whether to offer "Work through the political-dispute questions" on the link's page."""
    return bool(owners_for(user, link))


def can_see_review(user: object, review: object) -> bool:
    """Whether `user` may read (and so edit, publish or unpublish) `review`: its owner's people only."""
    return owners_for(user, review.link).owns(association_id=review.association_id, place_id=review.place_id)
