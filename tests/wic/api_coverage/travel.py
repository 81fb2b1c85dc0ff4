"""Service coverage of the travel area (issue 24: travel/letters.py, arrivals.py, pickups.py,
boarding.py, hotels.py, meals.py, shuttles.py, trip.py, guest.py; called by travel/api_letters.py,
api_arrivals.py, api_hotels.py, api_meals.py; tests/wic/test_api_coverage.py).

Reads the API calls that are not services by the scanner's rule, so in neither list: hotels.occupancy
and by_hotel (GET /api/v1/hotels/<id>/occupancy/, /room-blocks/<id>/occupancy/), hotels.roommates,
meals.counts_for and meal_detail (GET /api/v1/meals/, /meals/<id>/kitchen/), arrivals.manifest_rows
(GET /api/v1/pickup-runs/<id>/manifest/), shuttles.edition_timetables (GET /api/v1/shuttle-loops/),
guest.registration_at, letter_section and request_blocked (GET /api/v1/guest-links/<year>/<token>/visa-letter/)."""

PAGE_ONLY = {
    "travel.letters.clean": "the request's checks, run by letter_request (POST /api/v1/guest-links/<year>/<token>/visa-letter/) before "
                            "anything is written; not an action of its own",
    "travel.letters.erase_passport_data": "the daily beat task (travel.tasks) erasing passport data 30 days after the edition; "
                                          "nobody triggers it by hand",
    "travel.guest.form_initial": "what the guest's request form proposes before they type (their country, the summit's days): "
                                 "the page's convenience, no action",
    "travel.arrivals.delete_runs": "the step that removes runs with their boarding lists inside plan_pickups, report_delay and "
                                   "run_delete (DELETE /api/v1/pickup-runs/<id>/, refused for a run with guests: `run_not_empty`)",
    "travel.pickups.replan_delays": "the pure planner (no database) that arrivals.report_delay runs through replan_delay "
                                    "(POST /api/v1/travel-legs/<id>/report-delay/); bench/pickups.py calls it for a whole delayed flight",
    "travel.boarding.boarding_list": "the CheckinRoster contribution's: a run's boarding list, made when its boarding scan is first "
                                     "opened; boarding is scanned through POST /api/v1/checkins/ by registration's check-in engine",
    "travel.boarding.admitted": "the CheckinRoster contribution's: the check-in engine calls it after an accepted boarding scan "
                                "(POST /api/v1/checkins/) to stamp the seat; not an action",
    "travel.meals.meal_check": "the admin's meal form check (meals are made in the admin, which saves the model after it; no service "
                               "writes a meal): the API reads meals and their counts (GET /api/v1/meals/)",
    "travel.trip.days_at_hotels": "a pure helper of the guest's trip card (the days a guest is at each hotel); no action",
}

COVERED = {
    "travel.letters.letter_request": "POST /api/v1/guest-links/<year>/<token>/visa-letter/",
    "travel.letters.letter_decide": "POST /api/v1/visa-letters/<id>/decide/",
    "travel.letters.letter_revoke": "POST /api/v1/visa-letters/<id>/revoke/",
    "travel.arrivals.leg_save": "POST /api/v1/travel-legs/, PUT/PATCH /api/v1/travel-legs/<id>/",
    "travel.arrivals.report_delay": "POST /api/v1/travel-legs/<id>/report-delay/",
    "travel.arrivals.plan_pickups": "POST /api/v1/pickup-plans/",
    "travel.arrivals.run_delete": "DELETE /api/v1/pickup-runs/<id>/",
    "travel.hotels.stay_allocate": "POST /api/v1/room-stays/",
    "travel.hotels.stay_move": "POST /api/v1/room-stays/<id>/move/",
    "travel.hotels.stay_cancel": "DELETE /api/v1/room-stays/<id>/",
    "travel.hotels.stay_agree_to_share": "POST /api/v1/room-stays/<id>/share/",
    "travel.meals.diet_save": "PUT/PATCH /api/v1/diets/<registration id>/",
    "travel.shuttles.loop_create": "POST /api/v1/shuttle-loops/",
}
