"""The records around complaints for the benchmark database (issue 7): service requests,
adjustments and vulnerabilities, representatives, restrictions, Ombudsman cases with
their requests, findings and orders, and lessons, in the proportions a large landlord
might hold after ten years. Plain row dicts for bench/build_db.py's bulk insert; almost
all are long finished, as they would be, with a few still running near today.
"""

from __future__ import annotations

import random
from datetime import date, timedelta
from typing import Any

SERVICE_REQUESTS_PER_COMPLAINT = 0.5
ADJUSTMENT_SHARE = 0.05  # of residents
RESTRICTION_SHARE = 0.002
REPRESENTATIVE_SHARE = 0.03
OMBUDSMAN_SHARE = 0.04  # of complaints that reached stage 2


def around_rows(rng: random.Random, residents: list[dict], complaints: list[dict], stages: list[dict],
                add_working_days, today: date) -> dict[str, list[dict[str, Any]]]:
    rows: dict[str, list[dict[str, Any]]] = {name: [] for name in (
        "service_request", "adjustment", "vulnerability", "representative", "restriction",
        "ombudsman_case", "ombudsman_request", "ombudsman_finding", "ombudsman_order", "lesson", "lesson_complaint")}

    # service requests: about one for every two complaints, spread over the same years
    requests = rows["service_request"]
    for complaint in rng.sample(complaints, int(len(complaints) * SERVICE_REQUESTS_PER_COMPLAINT)):
        received = complaint["received_on"] - timedelta(days=rng.randint(0, 60))
        due = add_working_days(received, 10)
        done = received + timedelta(days=rng.randint(1, 25))
        requests.append(dict(
            id=len(requests) + 1, reference=f"SR{received.year}-{len(requests) + 1:06d}",
            resident_id=complaint["resident_id"], received_on=received, category=complaint["category"],
            description="Repair reported by phone", target_days=10, due_on=due,
            done_on=done if done <= today and rng.random() > 0.01 else None, outcome="Attended",
            complaint_id=complaint["id"] if rng.random() < 0.1 else None, recorded_by="bench", version=1))

    for resident in rng.sample(residents, int(len(residents) * ADJUSTMENT_SHARE)):
        agreed = today - timedelta(days=rng.randint(30, 3000))
        ended = agreed + timedelta(days=rng.randint(100, 2000))
        live = ended > today
        rows["adjustment"].append(dict(
            id=len(rows["adjustment"]) + 1, resident_id=resident["id"], description="Large print letters",
            agreed_on=agreed, review_on=today + timedelta(days=rng.randint(-20, 180)) if live else ended,
            reviewed_on=None, ended_on=None if live else ended, recorded_by="bench", version=1))
        rows["vulnerability"].append(dict(
            id=len(rows["vulnerability"]) + 1, resident_id=resident["id"], description="Partially sighted",
            disclosed_on=agreed, ended_on=None, recorded_by="bench", version=1))
    for resident in rng.sample(residents, int(len(residents) * REPRESENTATIVE_SHARE)):
        rows["representative"].append(dict(
            id=len(rows["representative"]) + 1, resident_id=resident["id"], name="A. Advocate",
            relationship="advocate", contact="", authority_confirmed_on=today - timedelta(days=rng.randint(1, 3000)),
            ended_on=None, recorded_by="bench", version=1))
    for resident in rng.sample(residents, int(len(residents) * RESTRICTION_SHARE)):
        decided = today - timedelta(days=rng.randint(10, 3000))
        live = rng.random() < 0.2
        rows["restriction"].append(dict(
            id=len(rows["restriction"]) + 1, resident_id=resident["id"], restriction="Email contact only",
            reasons="Abusive calls to staff", decided_by="Complaints Manager", decided_on=decided,
            review_on=today + timedelta(days=rng.randint(-10, 90)) if live else decided + timedelta(days=90),
            reviewed_on=None, ended_on=None if live else decided + timedelta(days=90), recorded_by="bench", version=1))

    stage_two = [s for s in stages if s["stage"] == 2 and s["responded_on"] is not None]
    for stage in rng.sample(stage_two, int(len(stage_two) * OMBUDSMAN_SHARE)):
        opened = stage["responded_on"] + timedelta(days=rng.randint(20, 120))
        if opened > today:
            continue
        case_id = len(rows["ombudsman_case"]) + 1
        recent = opened > today - timedelta(days=120)
        rows["ombudsman_case"].append(dict(
            id=case_id, complaint_id=stage["complaint_id"], ombudsman_reference=f"HOS{case_id:07d}", opened_on=opened,
            closed_on=None if recent else opened + timedelta(days=200), chfo_on=None, chfo_reason="",
            recorded_by="bench", version=1))
        rows["ombudsman_request"].append(dict(
            id=len(rows["ombudsman_request"]) + 1, case_id=case_id, received_on=opened, description="The complaint file",
            due_on=opened + timedelta(days=14), met_on=None if recent and rng.random() < 0.5 else opened + timedelta(days=12),
            recorded_by="bench"))
        if recent:
            continue
        determined = opened + timedelta(days=150)
        finding_id = len(rows["ombudsman_finding"]) + 1
        rows["ombudsman_finding"].append(dict(
            id=finding_id, case_id=case_id, issue="Repairs", recorded_by="bench", determined_on=determined,
            determination=rng.choice(["maladministration", "service_failure", "no_maladministration", "redress"])))
        rows["ombudsman_order"].append(dict(
            id=len(rows["ombudsman_order"]) + 1, case_id=case_id, finding_id=finding_id, kind="order",
            description="Pay compensation", due_on=determined + timedelta(days=28),
            complied_on=determined + timedelta(days=20), evidence="Payment made", recorded_by="bench", version=1))

    closed = [c for c in complaints if c["status"] == "closed"]
    for n in range(min(300, len(closed) // 20)):
        recorded = today - timedelta(days=rng.randint(10, 3500))
        lesson_id = n + 1
        rows["lesson"].append(dict(
            id=lesson_id, theme=rng.choice(["Repairs: delay", "Communication", "Damp and mould"]),
            lesson="Residents were not kept updated", improvement="Weekly update calls", recorded_on=recorded,
            due_on=recorded + timedelta(days=60), done_on=recorded + timedelta(days=50) if recorded < today - timedelta(days=60) else None,
            recorded_by="bench", version=1))
        for complaint in rng.sample(closed, 3):
            rows["lesson_complaint"].append(dict(lesson_id=lesson_id, complaint_id=complaint["id"]))
    # a lesson linked to the same complaint twice would break the key
    rows["lesson_complaint"] = list({(r["lesson_id"], r["complaint_id"]): r for r in rows["lesson_complaint"]}.values())
    return rows
