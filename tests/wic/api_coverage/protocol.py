"""Service coverage of the protocol area (protocol/delegations.py, invitations.py, seating.py,
sync.py, called by protocol/api_delegations.py, api_rsvp.py and api_seating.py;
tests/wic/test_api_coverage.py). The page-only entries are steps inside other services, a form's
validation, or the beat task: nothing an organizer or a guest does by itself."""

PAGE_ONLY = {
    "protocol.delegations.delegation_check": "the validation step of delegation_save (which POST/PUT/PATCH /api/v1/delegations/ call, "
                                             "answering its refusals); the admin's form calls it alone to show a refusal beside its "
                                             "field before saving",
    "protocol.invitations.item_checkin_list": "a step of item_for_session (POST /api/v1/invitation-items/): the item's check-in list at "
                                              "the gate, made once; the admin's save of an item calls it too",
    "protocol.invitations.remind_unanswered": "the hourly beat task protocol.remind_unanswered_cards (protocol/tasks.py, at :30): the "
                                              "reminders of unanswered cards, not an action anyone takes",
    "protocol.seating.item_cards": "a read inside plan_seating (GET /api/v1/seating-plans/<id>/seats/) and auto_seat (POST "
                                   "/api/v1/seating-plans/<id>/auto-seat/, with the cards locked): the item's accepted and seated cards",
    "protocol.seating.mirror_seats": "a step of auto_seat (POST /api/v1/seating-plans/<id>/auto-seat/): the seats given, written to the "
                                     "gate's registration.Invitation rows in the same transaction",
    "protocol.sync.mirror": "a step inside every service that changes a card or a seat (protocol.invitations, protocol.seating): keeps "
                            "the gate's registration.Invitation in step in the same transaction",
}

COVERED = {
    "protocol.delegations.delegation_save": "POST /api/v1/delegations/, PUT/PATCH /api/v1/delegations/<id>/",
    "protocol.delegations.member_add": "POST /api/v1/delegations/<id>/members/",
    "protocol.delegations.member_update": "PATCH /api/v1/delegations/<id>/members/?member=<member id>",
    "protocol.delegations.member_remove": "DELETE /api/v1/delegations/<id>/members/?member=<member id>",
    "protocol.delegations.liaison_assign": "POST /api/v1/delegations/<id>/liaison/",
    "protocol.delegations.liaison_release": "DELETE /api/v1/delegations/<id>/liaison/",
    "protocol.delegations.head_link_token": "POST /api/v1/delegations/<id>/link/",
    "protocol.invitations.item_for_session": "POST /api/v1/invitation-items/",
    "protocol.invitations.cards_send": "POST /api/v1/invitation-cards/",
    "protocol.invitations.card_cancel": "POST /api/v1/invitation-cards/<id>/cancel/",
    "protocol.invitations.card_resend": "POST /api/v1/invitation-cards/<id>/resend/",
    "protocol.invitations.substitute_decide": "POST /api/v1/invitation-cards/<id>/approve-substitute/, .../refuse-substitute/",
    "protocol.invitations.rsvp_answer": "POST /api/v1/rsvp/<token>/",
    "protocol.seating.plan_create": "POST /api/v1/seating-plans/",
    "protocol.seating.auto_seat": "POST /api/v1/seating-plans/<id>/auto-seat/",
    "protocol.seating.seat_move": "POST /api/v1/seating-plans/<id>/move/",
    "protocol.seating.seat_clear": "POST /api/v1/seating-plans/<id>/clear/",
}
