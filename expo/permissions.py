"""Who may do what at the expo.

| who                               | may                                                                  |
|-----------------------------------|----------------------------------------------------------------------|
| anyone                            | read the directory, exhibitors' pages, zone map, recruitment list    |
| a signed-in user                  | apply to exhibit; ask an approved exhibitor for a meeting            |
|                                   | (not one they represent: `own_exhibitor`)                            |
| an exhibitor's representatives    | edit its entry, post and close openings, put launches on the stage,  |
|                                   | accept or decline its meeting requests                               |
| the guest who asked               | cancel their meeting request                                         |
| organizers                        | all of the above for every exhibitor; decide, allot booths, import   |
| anyone else                       | 403 `not_your_exhibitor` on a public entry; 404 on an entry outside  |
|                                   | the public directory (pending, declined, unpublished edition)        |

Organizers are `wic.roles.is_organizer`. Each row is a row of tests/wic/test_permission_matrix.py.
"""
from wic.roles import is_organizer

from .enums import ExhibitorStatus


def is_representative(user, exhibitor) -> bool:
    """Organizers act for every exhibitor; anyone else only for the entries they represent."""
    if not getattr(user, "is_authenticated", False):
        return False
    return is_organizer(user) or exhibitor.representatives.filter(pk=user.pk).exists()


def is_public(exhibitor) -> bool:
    """In the public directory: approved, at a published edition."""
    return exhibitor.status == ExhibitorStatus.APPROVED and exhibitor.edition.is_published
