"""A demo database of believable complaints for an English housing association.

`build_demo_database` writes a fresh database and fills it with about `count` complaints
dated relative to `today`, covering every stage, state and next step a handler meets.
Every write goes through the use-cases in `chc_tui.steps.usecases`, exactly as a handler's
would: each step is played on its own date (the use-cases refuse dates in the future), so
the demo also exercises the Code's rules (6.13's different handler at stage 2, extension
limits, definitions before acknowledgement, and so on).

How it works: each complaint is planned as a short story of dated steps, computed on the
landlord's working calendar; the open ones are planned backwards from the deadline state
they should be in today (overdue, due today, due soon, on track). Then all the steps of
all the stories are played in date order, so references (C2026-0001, ...) follow the
order complaints were received and the audit trail reads chronologically. Last, the
landlord carries out most of what its responses promised (chc_tui.demo.follow_through).

Deterministic: the same `today` and `seed` give the same database.
"""

from __future__ import annotations

import random
import unicodedata
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any, Callable

from sqlalchemy import event
from sqlmodel import Session

from chc_tui import collector
from chc_tui.rules import financial_year
from chc_tui.steps import usecases
from chc_tui.documents import letters
from chc_tui.steps.landlord import update_landlord_settings
from chc_tui.figures.report_texts import set_homes_owned
from chc_tui.rules.calendar import WorkingCalendar
from chc_tui.rules.context import StepContext
from chc_tui.rules.domain import Channel, Decision, ExclusionReason
from chc_tui.rules.policy import CODE_2024
from chc_tui.demo.demo_file import DEMO_MARK, DEMO_RELEASE_MARK, put_demo_in_place
from chc_tui.demo.follow_through import follow_through
from chc_tui.demo.planned import PlannedSteps
from chc_tui.demo.prepared import release
from chc_tui.demo.staff import MANAGER, login_of, register_demo_staff
from chc_tui.steps.settings import load_calendar, put_setting
from store.engine import Database, open_database

# --- the landlord's people -------------------------------------------------------------

STAGE_ONE_HANDLERS = ["Sam Okafor", "Priya Shah", "Tom Bell", "Aisha Rahman", "Gareth Lewis"]
STAGE_ONE_WEIGHTS = [26, 26, 22, 20, 6]
STAGE_TWO_HANDLERS = ["Gareth Lewis", "Helen Marsh", "Priya Shah"]
STAGE_TWO_WEIGHTS = [45, 45, 10]
# MANAGER, the complaints manager, reassigns work and sets closure days (chc_tui.demo.staff)

CLOSURE_NOTE = "Christmas shutdown"

FEMALE = [
    "Margaret", "Janet", "Susan", "Karen", "Linda", "Sarah", "Emma", "Chloe", "Jade", "Amy",
    "Shirley", "Patricia", "Bernadette", "Siobhan", "Fatima", "Nasreen", "Shabana", "Amina",
    "Halima", "Grace", "Blessing", "Abena", "Marcia", "Precious", "Agnieszka", "Katarzyna",
    "Rhiannon", "Carys", "Eilidh", "Kirsty", "Leanne", "Danielle", "Stacey", "Gemma",
    "Parveen", "Sunita", "Mei", "Olena", "Joan", "Maureen",
]
MALE = [
    "David", "John", "Michael", "Paul", "Mark", "Gary", "Lee", "Darren", "Jamie", "Kyle",
    "Ryan", "Callum", "Connor", "Liam", "Sean", "Declan", "Mohammed", "Imran", "Tariq",
    "Bilal", "Arjun", "Rajesh", "Kwame", "Tunde", "Emmanuel", "Delroy", "Winston", "Marek",
    "Piotr", "Tomasz", "Gethin", "Rhys", "Dylan", "Hamish", "Stuart", "Keith", "Brian",
    "Derek", "Ali", "Yusuf",
]
SURNAMES = [
    "Smith", "Jones", "Williams", "Taylor", "Brown", "Davies", "Evans", "Wilson", "Thomas",
    "Johnson", "Roberts", "Walker", "Wright", "Robinson", "Thompson", "Hughes", "Edwards",
    "Green", "Hall", "Wood", "Harris", "Clarke", "Jackson", "Turner", "Hill", "Cooper",
    "Ward", "Morris", "Moore", "King", "Khan", "Ahmed", "Hussain", "Begum", "Ali", "Patel",
    "Singh", "Chowdhury", "Iqbal", "Mensah", "Okoro", "Adeyemi", "Campbell", "Grant",
    "Francis", "Kowalczyk", "Nowak", "Wójcik", "Murphy", "O'Brien", "Kelly", "Byrne",
    "MacDonald", "Fraser", "Stewart", "Pritchard", "Llewellyn", "Morgan", "Price", "Chen",
    "Nguyen", "Kovalenko", "Baker", "Fisher", "Marshall", "Holmes", "Lloyd", "Doyle",
]
STREETS = [
    "Marlowe Road", "Beech Avenue", "Station Road", "Victoria Street", "Tennyson Close",
    "Albert Terrace", "Millfield Way", "Church Lane", "Orchard Grove", "Park View",
    "Canal Street", "Brunel Drive", "Fairfield Crescent", "Kingsway", "Windsor Road",
]
BLOCKS = [
    "Beech House", "Cedar Court", "Linden House", "Hawthorn Court", "Rowan House",
    "Kingfisher Court", "Alder House", "Heron Point",
]
TOWN = "Northbridge"
ROOMS = ["bedroom", "back bedroom", "bathroom", "kitchen", "living room", "hallway", "box room"]
COURTS = ["Northbridge", "Leeds", "Manchester", "Birmingham", "Bristol"]
MPS = ["Rachel Amis MP", "Daniel Oyelaran MP", "Fiona Kettering MP"]
ADVOCATES = ["Leanne Price", "Martin Osei", "Jo Fairweather"]

# --- what residents complain about --------------------------------------------------------
#
# Each issue carries the resident's words, the landlord's definition (Code 5.6, 5.7), and
# the findings a response draws on. Placeholders are filled per complaint.

CONTENT: dict[str, list[dict[str, Any]]] = {
    "Repairs": [
        dict(
            title="repeated boiler breakdowns",
            contractor="Northgate Heating",
            words=[
                "My boiler keeps cutting out and I've had no hot water on and off for {weeks} weeks. "
                "The engineer came twice and said a part was on order but nobody has told me when it's coming.",
                "The heating has gone off again, third time since {reported}. I've got two young kids and "
                "I'm boiling kettles to wash them. I want it fixed properly, not patched up again.",
            ],
            understanding="The boiler has broken down repeatedly since {reported}, leaving the household "
            "without reliable heating and hot water for about {weeks} weeks. Engineers have attended but the "
            "fault keeps coming back, and the resident has not been told when the part on order will arrive.",
            outcomes="A permanent repair or a replacement boiler with a firm date, temporary heaters in the "
            "meantime, and compensation for the time without heating.",
            responsible="Repairing the boiler; the time taken by our heating contractor, {contractor}; "
            "keeping the resident informed about the repair.",
            not_responsible=[
                "",
                "The resident's account with their energy supplier, although the cost of running "
                "temporary heaters will be considered in any remedy.",
            ],
            failure="we took too long to get a lasting repair: the part was ordered a week after the engineer "
            "asked for it, and nobody told you about the delay.",
            ok="Our heating contractor attended within our 24-hour emergency target each time and left "
            "temporary heaters on the first visit.",
            not_upheld="Each breakdown was attended within 24 hours and the boiler has worked since the diverter "
            "valve was replaced; the later loss of heat was low pressure, not a fault, and the engineer showed "
            "you how to top it up.",
            fix="Boiler replacement booked for {repair_date}.",
            follow_up="{contractor} to fit the new boiler on {repair_date}; {handler} to ring the resident "
            "the following day to check the heating and hot water are working.",
        ),
        dict(
            title="a leak through the {room} ceiling",
            contractor="Brightwell Roofing",
            words=[
                "Water is coming through my {room} ceiling every time it rains. I reported it on {reported} "
                "and was told it would be looked at within 20 days. Nobody has come and the ceiling is now "
                "stained and sagging.",
                "I've had buckets out in the {room} for {weeks} weeks now. Two different people came and looked "
                "at the roof but nothing has been done. I'm worried the ceiling is going to come down.",
            ],
            understanding="Rainwater is leaking through the {room} ceiling. It was reported on {reported} and "
            "has been inspected, but no repair has been done after about {weeks} weeks and the ceiling is now "
            "damaged.",
            outcomes="The roof repaired, the ceiling made good and redecorated, and an explanation of the delay.",
            responsible="Repairing the roof and the damage to the ceiling; the delay between inspection and "
            "repair; how we kept the resident informed.",
            not_responsible=[
                "Damage to the resident's own belongings, which is for their contents insurance; we have "
                "given them our insurer's details for a liability claim.",
                "",
            ],
            failure="the roofing job was raised as routine when it should have been urgent, and nobody followed "
            "it up after the second inspection, so nothing happened for {weeks} weeks.",
            ok="Our surveyor inspected within five working days, and scaffolding had to be put up before the "
            "roof could be reached safely.",
            not_upheld="The roof was repaired on the date agreed with you, and the staining is old damage that "
            "is being redecorated as part of the same job.",
            fix="Roof repair and replastering of the ceiling booked for {repair_date}, with redecoration afterwards.",
            follow_up="{contractor} to repair the roof on {repair_date}; surveyor to post-inspect the ceiling "
            "and book redecoration.",
        ),
        dict(
            title="a {room} window that will not close or lock",
            contractor="Apex Property Services",
            words=[
                "The window in my {room} won't shut properly and there's a draught coming through. It's been "
                "like this since {reported}. The handle was replaced but it still doesn't close.",
                "My {room} window is stuck open a crack and I can't lock it. I don't feel safe at night. "
                "I've reported it twice.",
            ],
            understanding="A window in the {room} does not close or lock properly, leaving the home draughty "
            "and insecure. It was first reported on {reported} and an earlier repair to the handle did not "
            "fix it.",
            outcomes="The window repaired or replaced so that it shuts and locks, and to be kept informed.",
            responsible="Repairing the window; the quality of the first repair; how we handled the second report.",
            not_responsible=[""],
            failure="the first repair replaced the handle when the hinge was the problem, and the second report "
            "was closed by mistake without an appointment being made.",
            ok="We made the window secure the same day you told us it could not be locked, as our repairs "
            "policy requires.",
            not_upheld="On inspection the window opened, closed and locked correctly; our operative showed you "
            "how the child-safety restrictor works and no fault was found.",
            fix="New window to be fitted on {repair_date}.",
            follow_up="{contractor} to fit the new window on {repair_date}; {handler} to confirm completion "
            "with the resident.",
        ),
    ],
    "Damp and mould": [
        dict(
            title="black mould in the {room}",
            contractor="DryHome Solutions",
            words=[
                "There is black mould all over the {room} wall and round the window. My son has asthma and "
                "it's getting worse. I was told someone would come and treat it in {reported_month} and "
                "nobody has.",
                "The mould is back in the {room} again. You painted over it last year and it came straight "
                "back. My clothes in the wardrobe are ruined and the whole flat smells damp.",
            ],
            understanding="Black mould is growing on the {room} walls and around the window, and a child in "
            "the household has asthma. An earlier mould wash and repaint did not deal with the cause, and an "
            "inspection promised in {reported_month} did not happen.",
            outcomes="A proper survey to find the cause, the mould treated and the cause put right, and "
            "compensation for damaged belongings.",
            responsible="Investigating and putting right damp and mould in the home; the missed inspection; "
            "the earlier treatment that did not last.",
            not_responsible=[
                "Replacing the resident's damaged clothes directly; we have explained how to claim through "
                "our liability insurer.",
                "",
            ],
            failure="we missed the inspection booked for {reported_month}, and the earlier mould wash treated "
            "the symptom without finding the cause, which our damp and mould policy says we must do.",
            ok="A damp specialist inspected within ten working days of your report and a mould wash was "
            "completed the following week.",
            not_upheld="The specialist's survey found no penetrating or rising damp: the mould comes from "
            "condensation. We have fitted a humidity-controlled extractor fan and given advice on heating "
            "and ventilation.",
            fix="Insulation and a new extractor fan booked for {repair_date}, after a full damp survey.",
            follow_up="{contractor} to complete the insulation and fan works on {repair_date}; surveyor to "
            "revisit six weeks later to check the mould has not come back.",
        ),
        dict(
            title="damp spreading from the flat above",
            contractor="Apex Property Services",
            words=[
                "There's a damp patch on my {room} ceiling that keeps getting bigger. I think it's coming "
                "from the flat above. I reported it on {reported} and all I got was a text saying the job "
                "was closed.",
                "Water is getting in from the flat upstairs and the wall in my {room} is wet to touch. Your "
                "staff keep telling me it's condensation but it isn't.",
            ],
            understanding="A damp patch is spreading on the {room} ceiling and walls, which the resident "
            "believes is a leak from the flat above. The repair reported on {reported} was closed without "
            "the cause being found.",
            outcomes="The source of the leak found and fixed, the damage repaired, and an explanation of why "
            "the job was closed.",
            responsible="Tracing and repairing the leak (the flat above is also ours); repairing the damage; "
            "why the first job was closed without a fix.",
            not_responsible=[""],
            failure="the contractor closed the job without tracing the leak, and we accepted it as complete "
            "without checking with you.",
            ok="A plumber attended within our target and found a leaking waste pipe in the flat above, which "
            "was repaired the same day.",
            not_upheld="Moisture readings on two visits show the wall has dried out since the waste pipe in "
            "the flat above was repaired; the stain will be sealed and redecorated.",
            fix="Stain sealing and redecoration of the {room} booked for {repair_date}.",
            follow_up="Decorator to seal and repaint the {room} ceiling on {repair_date}.",
        ),
    ],
    "Anti-social behaviour": [
        dict(
            title="noise and nuisance from the neighbour at number {neighbour}",
            contractor="",
            words=[
                "The people at number {neighbour} play loud music every night until three or four in the "
                "morning. I've sent you diary sheets for {weeks} weeks and nothing has changed. I'm exhausted "
                "and I have to get up for work.",
                "My neighbour at number {neighbour} shouts abuse at me whenever I go out and bangs on the "
                "walls. I've reported it {visits} times and your officer hasn't even called me back.",
            ],
            understanding="The resident is experiencing ongoing noise and nuisance from the neighbour at "
            "number {neighbour}, reported over about {weeks} weeks. They feel we have not acted on their "
            "diary sheets or kept in touch.",
            outcomes="Action against the neighbour so the noise stops, and regular updates from the housing "
            "officer.",
            responsible="How we have managed the anti-social behaviour case: the risk assessment, the action "
            "plan, contact with the resident, and action against our tenant at number {neighbour}.",
            not_responsible=[
                "The neighbour's behaviour itself, and any criminal matters, which are for the police.",
                "Statutory noise nuisance, which the council's environmental health team enforces, though "
                "we work with them.",
            ],
            failure="the case was never given an action plan, and the housing officer did not contact you "
            "for five weeks after your diary sheets arrived, which is not what our ASB policy says.",
            ok="Your housing officer risk-assessed the case, visited the neighbour and issued a written "
            "warning, and referred the case to the council's noise team.",
            not_upheld="The case has been managed in line with our ASB policy: there is an action plan, a "
            "noise recorder has been installed, and you have been contacted every two weeks as agreed.",
            fix="New ASB action plan agreed with you; noise monitoring equipment to be installed on {repair_date}.",
            follow_up="Housing officer to contact the resident every fortnight; case review on {repair_date}.",
        ),
        dict(
            title="drug use and rough sleeping in the stairwell at {block}",
            contractor="",
            words=[
                "Every night there's a group in the stairwell at {block} smoking weed and leaving needles and "
                "rubbish. The door entry is broken so anyone can get in. I'm scared to come home.",
                "People who don't live here are sleeping in the bin store at {block} and there's drug stuff on "
                "the stairs. I've reported it so many times.",
            ],
            understanding="Non-residents are getting into {block} through a broken door entry system and using "
            "the stairwell for drug use, leaving litter and needles. The resident feels unsafe and says reports "
            "have not led to action.",
            outcomes="The door entry fixed, the stairwell made safe and cleaned, and action to stop people "
            "gathering.",
            responsible="Repairing the door entry; cleaning communal areas and removing sharps; how we have "
            "dealt with the reports and worked with the police.",
            not_responsible=[
                "Criminal activity, which is for the police; we share information with them through the "
                "community safety partnership.",
            ],
            failure="the door entry repair waited {weeks} weeks for a part, and reports from different "
            "residents were not joined up into one case.",
            ok="Sharps were removed within 24 hours each time, and we have been working with the "
            "neighbourhood policing team, who have increased patrols.",
            not_upheld="The door entry was repaired within our target, each report was acted on, and the "
            "police have confirmed they are dealing with the people involved.",
            fix="New door entry system at {block} to be fitted on {repair_date}; weekly sharps sweep added to "
            "the cleaning schedule.",
            follow_up="Door entry installation on {repair_date}; neighbourhood officer to attend the next "
            "police ward panel.",
        ),
    ],
    "Estate services": [
        dict(
            title="communal cleaning not being done at {block}",
            contractor="Cleanway Services",
            words=[
                "We pay a service charge for cleaning but the stairs at {block} haven't been cleaned for weeks. "
                "There's rubbish on the landings and the lift smells of urine.",
                "The cleaners are supposed to come every week. I've been keeping an eye and they've been twice "
                "since {reported}. I want to know what we're paying for.",
            ],
            understanding="The communal areas at {block} are not being cleaned to the weekly schedule that "
            "residents pay for through the service charge.",
            outcomes="Cleaning done to the schedule, proof of visits, and a refund of the cleaning charge for "
            "the missed weeks.",
            responsible="Managing our cleaning contractor, {contractor}; the cleaning element of the service "
            "charge.",
            not_responsible=[""],
            failure="the contractor's own logs show visits were missed in most weeks since {reported}, "
            "and our estate inspections did not pick this up.",
            ok="The contractor's signed logs and photographs show a visit every week except the two weeks the "
            "lift was out of order, when the stairs were still cleaned.",
            not_upheld="The contractor's signed logs, photographs and our own spot-checks show the cleaning has "
            "been done weekly; the rubbish on the landings was a fly-tip, removed within two days.",
            fix="Refund of the cleaning charge for the missed weeks credited to the rent account; deep clean of "
            "{block} on {repair_date}.",
            follow_up="Estate officer to spot-check {block} monthly for three months and share the results "
            "with residents.",
        ),
        dict(
            title="the lift at {block} being out of order",
            contractor="Summit Lifts",
            words=[
                "The lift at {block} has been broken for {weeks} weeks. I'm on the sixth floor with a bad hip "
                "and I've basically been stuck indoors.",
                "The lift breaks down every other week. Last time I was stuck in it for forty minutes. Nobody "
                "tells us what's going on.",
            ],
            understanding="The lift at {block} has been out of order for long spells, most recently about "
            "{weeks} weeks. The resident has limited mobility and could not leave the flat, and was not kept "
            "informed.",
            outcomes="A reliable lift, updates when it breaks down, and recognition of being stuck at home.",
            responsible="Maintaining the lift through our contractor, {contractor}; keeping residents informed; "
            "support for vulnerable residents during outages.",
            not_responsible=[""],
            failure="the repair was held up while a quote was approved, we put up no notices, and nobody "
            "checked on residents we know have mobility needs.",
            ok="The lift engineer attended within four hours of each breakdown; the long outage was caused by "
            "a part that had to be made to order.",
            not_upheld="The lift was out of service for three days in total over the period, repaired within "
            "the contractor's target each time, and every flat was written to.",
            fix="Lift controller replacement on {repair_date}; resident added to our vulnerability register so "
            "we call them during any outage.",
            follow_up="{contractor} to replace the lift controller on {repair_date}; estate officer to write to "
            "all residents of {block} with the programme.",
        ),
    ],
    "Rent and service charges": [
        dict(
            title="a rent payment taken twice",
            contractor="",
            words=[
                "You took my rent twice this month and now I'm overdrawn and being charged by my bank. I rang "
                "and was told it would be sorted in five days. It's been {weeks} weeks.",
                "My rent account says I'm in arrears but I've paid every week. I got a letter threatening court "
                "and I'm really worried.",
            ],
            understanding="A rent payment was taken twice, or wrongly recorded, leaving the rent account wrong; "
            "the resident has had bank charges and was promised a refund that has not arrived.",
            outcomes="The money refunded, bank charges covered, the account corrected and the arrears letter "
            "withdrawn.",
            responsible="Our rent collection and direct debit process; the arrears letter; the delay in "
            "refunding.",
            not_responsible=[""],
            failure="the payment was collected twice because of an error in our direct debit file, and the "
            "refund was not made when promised.",
            ok="The duplicate payment was refunded within five working days of your first call.",
            not_upheld="Our records and your bank statement show one payment each month; the arrears figure "
            "reflects the April rent increase we wrote to you about in February.",
            fix="Duplicate payment refunded, £{bank_charges} bank charges repaid and the arrears letter withdrawn.",
            follow_up="Income team to confirm the corrected balance in writing by {repair_date}.",
        ),
        dict(
            title="an unexplained rise in the service charge",
            contractor="",
            words=[
                "My service charge has gone up by nearly £{increase} a month with no explanation. I asked for a "
                "breakdown and nobody has sent one.",
                "I'm being charged for gardening at {block} but there isn't even a garden anyone looks after. "
                "I want to see what I'm paying for.",
            ],
            understanding="The resident's service charge has gone up by about £{increase} a month. They asked "
            "for a breakdown and did not get one, and question whether some services are provided at all.",
            outcomes="A full breakdown, any overcharge refunded, and an explanation of the increase.",
            responsible="Setting and explaining service charges; answering the request for a breakdown; "
            "charging only for services provided.",
            not_responsible=[
                "The level of rent, which is set under the government's rent standard.",
                "",
            ],
            failure="we did not send the breakdown you asked for, and the grounds maintenance charge included "
            "an area that is not ours to maintain.",
            ok="The increase reflects higher communal electricity costs and the new fire safety checks, "
            "both set out in our letter in February.",
            not_upheld="The increase is explained by the communal electricity contract and the new fire safety "
            "checks; every item in the enclosed breakdown is a service provided at {block}.",
            fix="Full breakdown sent; £{refund} overcharge credited to the rent account.",
            follow_up="Service charge team to correct the grounds maintenance apportionment at {block} before "
            "next year's charges are set.",
        ),
    ],
    "Staff conduct": [
        dict(
            title="how a member of staff spoke to the resident",
            contractor="",
            words=[
                "I rang the contact centre on {reported} about my repair and the man I spoke to was rude and "
                "put the phone down on me. I've never been spoken to like that.",
                "Your housing officer came round and talked down to me in front of my children. She said I was "
                "making up the damp. I want an apology.",
            ],
            understanding="The resident says a member of staff was rude to them around {reported} and did not "
            "treat them with respect.",
            outcomes="An apology, the staff member's manager to deal with it, and respectful treatment in future.",
            responsible="The conduct of our staff and the standard of service in that contact.",
            not_responsible=[
                "The detail of any action taken with the member of staff, which is confidential, though we "
                "can confirm it has been dealt with.",
            ],
            failure="the call recording shows our adviser was curt and ended the call before your query was "
            "answered, which is below the standard we expect.",
            ok="The call recording shows the adviser was polite; the call dropped because of a fault on our "
            "phone system, but it should have been returned.",
            not_upheld="Having listened to the recording and spoken to the officer, we found no rudeness; the "
            "call ended after you were given your repair appointment.",
            fix="",
            follow_up="Team leader to use the call, anonymised, in customer service refresher training.",
        ),
        dict(
            title="an appointment missed without notice",
            contractor="",
            words=[
                "I took a day off work for the inspection on {reported} and nobody turned up. No phone call, "
                "nothing. This is the second time.",
                "The surveyor was meant to come between 8 and 1. I waited in all day. When I rang they said the "
                "appointment had been cancelled but nobody told me.",
            ],
            understanding="An appointment on {reported} was missed without notice after the resident had taken "
            "time off work, and it has happened before.",
            outcomes="An apology, compensation for the lost day, and a firm new appointment.",
            responsible="Keeping appointments, and telling residents when they have to change.",
            not_responsible=[""],
            failure="the appointment was cancelled when the surveyor went off sick and the text to tell you "
            "was never sent.",
            ok="The appointment was rebooked for the next working day and the inspection was done.",
            not_upheld="Our records show a text cancelling and rebooking the appointment was sent two days "
            "before, to the number we held for you; we have now updated your number.",
            fix="Inspection rebooked for {repair_date}, first appointment of the day.",
            follow_up="Surveyor to attend on {repair_date}; scheduling team to check appointment texts are "
            "being sent.",
        ),
    ],
    "Communication": [
        dict(
            title="not being called back or kept informed",
            contractor="",
            words=[
                "I've emailed {visits} times and phoned and nobody gets back to me. I just want someone to tell "
                "me what's happening.",
                "Every time I ring I get a different person and have to explain everything again. I was promised "
                "a call back from a manager and it never came.",
            ],
            understanding="The resident has contacted us {visits} times without a reply, and a manager's call "
            "back that was promised did not happen.",
            outcomes="A named contact, replies to their messages, and an update on the underlying problem.",
            responsible="Answering residents' emails and calls and keeping promises to call back.",
            not_responsible=[""],
            failure="{visits} of your emails went to a shared inbox nobody was watching during staff absence, "
            "and the call back was never logged.",
            ok="Your emails were answered, though twice outside our five working day target.",
            not_upheld="Our records show each email was answered within five working days, and the manager "
            "rang on the day promised and left a voicemail.",
            fix="{handler} is now your single point of contact.",
            follow_up="{handler} to phone the resident weekly until the underlying problem is resolved.",
        ),
        dict(
            title="letters still going to an old address",
            contractor="",
            words=[
                "You keep sending my letters to my old flat even though I told you I'd moved in "
                "{reported_month}. Someone else is getting my personal information.",
                "I moved flats in {reported_month} and told you straight away. My rent statements are still "
                "going to the old address.",
            ],
            understanding="Letters about the resident's tenancy are still going to their previous address after "
            "they told us they moved in {reported_month}, so their personal information may have gone to "
            "someone else.",
            outcomes="Records corrected, an explanation, and reassurance about their personal data.",
            responsible="Keeping contact details up to date; how we handled the resident's personal data.",
            not_responsible=[
                "The formal data breach review, which our data protection officer is carrying out separately.",
            ],
            failure="your change of address was recorded on one system but not on our rent system, so "
            "{visits} letters went to the old address.",
            ok="Your address was updated within a day of you telling us; only one letter, printed before the "
            "change, went to the old address.",
            not_upheld="Our records show the address was updated the day you told us, and nothing has been sent "
            "to the old address since.",
            fix="Address corrected on all our systems; referral to the data protection officer.",
            follow_up="Data protection officer to write to the resident with the outcome of the breach review.",
        ),
    ],
    "Lettings": [
        dict(
            title="the condition of the home at the start of the tenancy",
            contractor="",
            words=[
                "When I moved in on {reported} the flat was filthy, the cooker didn't work and there were holes "
                "in the walls. I was told it met your lettings standard. I don't think it did.",
                "I moved in on {reported} and the bathroom was disgusting and half the light switches didn't "
                "work. I had to pay for a cleaner myself.",
            ],
            understanding="The resident says the home did not meet our lettings standard when they moved in on "
            "{reported}: it was dirty, some fittings did not work, and walls needed repair.",
            outcomes="The outstanding works done, cleaning costs paid back, and decoration vouchers.",
            responsible="The condition of the home at letting against our lettings standard; the works left "
            "outstanding.",
            not_responsible=[""],
            failure="the empty-homes inspection was signed off before the cleaning and electrical checks were "
            "finished.",
            ok="The cooker was repaired within three days of your report and decoration vouchers were given at "
            "sign-up, in line with our policy.",
            not_upheld="The sign-off photographs show the home was clean and met our lettings standard; the "
            "faults were reported two weeks after the tenancy began and repaired within target.",
            fix="Outstanding plastering booked for {repair_date}; £{refund} decoration voucher.",
            follow_up="Empty-homes manager to review sign-off checks with the contractor.",
        ),
        dict(
            title="a transfer or mutual exchange application",
            contractor="",
            words=[
                "I applied for a transfer because we're overcrowded, four of us in a one-bed. I've heard nothing "
                "for months and nobody can tell me where I am on the list.",
                "I was told my mutual exchange would be approved in six weeks. It's been {weeks} weeks and the "
                "other tenant is going to pull out.",
            ],
            understanding="The resident applied to move (a transfer or a mutual exchange) and has had no "
            "decision or update for about {weeks} weeks.",
            outcomes="A decision, clear information about where they stand, and their priority reviewed.",
            responsible="Deciding transfer and mutual exchange applications within our policy timescales and "
            "keeping applicants informed.",
            not_responsible=[
                "The council's housing register and banding decisions, which the council makes; we have "
                "explained how to ask the council for a review.",
            ],
            failure="the application was not decided within the 42 days our policy allows, because the "
            "officer's cases were not reallocated while they were on leave.",
            ok="The application was registered and acknowledged promptly and your priority is correct.",
            not_upheld="The application was decided within the 42 day limit and the decision letter was sent to "
            "you; a copy is enclosed.",
            fix="Decision on the application issued and priority reviewed.",
            follow_up="Lettings officer to confirm the move date in writing by {repair_date}.",
        ),
    ],
    "Adaptations": [
        dict(
            title="a delay in fitting adaptations recommended by the OT",
            contractor="Apex Property Services",
            words=[
                "The OT recommended a walk-in shower for me back in {reported_month}. I can't get in the bath any "
                "more and have to strip wash. Every time I ask I'm told it's with the surveyor.",
                "My husband needs grab rails and a stair lift. The occupational therapist sent you the referral "
                "on {reported}. Nothing has happened.",
            ],
            understanding="An occupational therapist recommended adaptations (a level-access shower or rails and "
            "a stair lift), referred on {reported}, but the work has not been done and the resident cannot "
            "bathe or move around the home safely.",
            outcomes="The adaptation fitted on a firm date, and help in the meantime.",
            responsible="Handling OT referrals and carrying out adaptations under our adaptations policy.",
            not_responsible=[
                "Disabled Facilities Grant decisions, which the council makes.",
                "",
            ],
            failure="the referral sat unallocated for {weeks} weeks and we neither told you about the delay nor "
            "offered anything in the meantime.",
            ok="Our surveyor assessed the referral within target; the design then needed the OT's sign-off, "
            "which took several weeks.",
            not_upheld="The adaptation is on the programme within our adaptations policy's timescale, and the "
            "date has been confirmed to you in writing.",
            fix="Level-access shower to be fitted on {repair_date}; a bath board and grab rail fitted in the "
            "meantime.",
            follow_up="Adaptations surveyor to confirm the start on {repair_date}; OT invited to the handover.",
        ),
    ],
}

CATEGORY_WEIGHTS = {
    "Repairs": 30,
    "Damp and mould": 15,
    "Anti-social behaviour": 10,
    "Estate services": 9,
    "Rent and service charges": 9,
    "Staff conduct": 6,
    "Communication": 9,
    "Lettings": 6,
    "Adaptations": 4,
}
TEAM = {
    "Repairs": "repairs",
    "Damp and mould": "repairs",
    "Anti-social behaviour": "neighbourhoods",
    "Estate services": "estate services",
    "Rent and service charges": "income",
    "Staff conduct": "customer services",
    "Communication": "customer services",
    "Lettings": "lettings",
    "Adaptations": "adaptations",
}

CHANNELS = [
    (Channel.PHONE, 30),
    (Channel.EMAIL, 25),
    (Channel.WEB_FORM, 20),
    (Channel.LETTER, 8),
    (Channel.IN_PERSON, 7),
    (Channel.SOCIAL_MEDIA, 4),
]

# Why a resident escalates to stage 2, and what a stage 2 review finds for each decision.
ESCALATIONS = [
    dict(
        reason="The work promised in the stage 1 response still hasn't been done.",
        outcomes="The promised work done on a firm date, and compensation for the further delay.",
        upheld="The works agreed at stage 1 were not ordered until three weeks later and are still not "
        "finished; that is a further failure on our part.",
        partly_upheld="The works were ordered promptly but the contractor has put the date back, and you were "
        "not told about the new date.",
        not_upheld="The works agreed at stage 1 were completed on the date given; the contractor's job sheet "
        "and photographs confirm this.",
        needs_award=False,
        needs_actions=True,
    ),
    dict(
        reason="I don't think £{amt1} is enough for what I've been through.",
        outcomes="Compensation that reflects the distress and how long the problem lasted.",
        upheld="The stage 1 award did not take account of how long the problem lasted or its effect on your "
        "household, and our compensation policy allows for more.",
        partly_upheld="The stage 1 award was right for time and trouble under our compensation policy, but it "
        "left out distress and inconvenience, which it should have included.",
        not_upheld="The stage 1 award was worked out correctly under our compensation policy and reflects how "
        "long the problem lasted and its effect on you.",
        needs_award=True,
    ),
    dict(
        reason="You didn't deal with the main part of my complaint.",
        outcomes="A response that answers every part of the complaint.",
        upheld="The stage 1 response did not deal with how long you were left without updates; I have looked "
        "at it now and agree we got it wrong.",
        partly_upheld="The stage 1 response answered most of the complaint but missed how long you were left "
        "without updates, which I have now looked into.",
        not_upheld="The stage 1 response dealt with each point you raised; I have set them out again below to "
        "make that clear.",
        needs_award=False,
    ),
    dict(
        reason="I don't agree with what you found and I want someone else to look at it.",
        outcomes="An independent look at the stage 1 decision.",
        upheld="Looking again at the evidence, I do not agree with the stage 1 finding: {failure}",
        partly_upheld="I agree with most of the stage 1 findings, but {failure}",
        not_upheld="Having reviewed the evidence afresh, I agree with the stage 1 findings. {ok}",
        needs_award=False,
    ),
    dict(
        reason="Nobody has been in touch since the stage 1 letter.",
        outcomes="Regular updates and the outstanding actions finished.",
        upheld="Nobody contacted you after the stage 1 response and the outstanding actions were not tracked; "
        "that should not have happened.",
        partly_upheld="The outstanding actions were progressed but nobody told you; we should have kept you "
        "updated.",
        not_upheld="Our records show {handler1} rang you twice after the stage 1 response and left messages, "
        "and the actions are on track.",
        needs_award=False,
    ),
]

EXTENSION_REASONS_1 = [
    "A specialist survey is needed before we can decide the complaint; the earliest appointment is after the "
    "response date.",
    "We are waiting for the contractor's report on the repair history.",
    "The resident asked us to wait until they are home from hospital so they can talk through the outcome.",
    "The housing officer who holds the ASB case is on leave and their evidence is needed.",
    "We need the call recordings from our telephony provider, which takes up to ten working days.",
]
EXTENSION_REASONS_2 = [
    "An independent damp specialist's report is needed to review the stage 1 findings.",
    "A meeting with the resident and their MP has been arranged for the first date everyone can attend.",
    "We are waiting for the contractor's maintenance records for the last two years.",
    "The resident has asked for a home visit before the review is finished.",
]
# An extension past the Code's limit: its reason, and the good reason recorded for it (6.4, 6.15).
GOOD_REASONS = [
    (
        "A structural engineer's report is needed on the cause of the problem.",
        "The structural engineer's report is needed to decide the complaint fairly; the engineer's earliest "
        "visit is {on}, and the resident agreed to wait.",
    ),
    (
        "The resident is in hospital and has asked us to wait until they are home.",
        "The resident is in hospital until {on} and has asked, through their family, for the response to wait "
        "until they can discuss it.",
    ),
]

WITHDRAWAL_REASONS = [
    "Resident has moved out of the property and asked us to stop the complaint.",
    "Resident emailed to say they are happy with the progress since and want to withdraw the complaint.",
    "Resident said the call back they wanted has now happened and they don't want to take it further.",
    "Resident rang to say they no longer want to go ahead with the complaint; no reason given.",
]
WITHDRAWAL_REASONS_BY_CATEGORY = {
    "Repairs": "Resident rang to say the repair has now been done and they are happy for the complaint to be closed.",
    "Damp and mould": "Resident says the mould treatment and new fan have made a difference and wants to withdraw.",
    "Anti-social behaviour": "Resident says they have sorted things out with the neighbour and no longer want to complain.",
    "Rent and service charges": "Resident says the refund has now reached their account and they are satisfied.",
    "Lettings": "Resident has accepted the offer of a move and does not want to pursue the complaint.",
}

# Refusals (Code 2.2-2.5): each an individual decision with its own explanation.
REFUSALS: dict[str, list[dict[str, str]]] = {
    ExclusionReason.OVER_TWELVE_MONTHS: [
        dict(
            category="Repairs",
            words="Back in {old_month} your contractor damaged my laminate floor when they replaced the "
            "radiator. I want you to pay for a new floor.",
            explanation="Your complaint is about damage to your floor during radiator work in {old_month}. "
            "That was more than 12 months before you raised it with us on {received}, and we have no record "
            "of it being reported at the time, so we will not investigate it as a complaint. We have asked a "
            "surveyor to look at the floor on their next visit. You can ask the Housing Ombudsman to review "
            "our decision not to take your complaint on.",
        ),
        dict(
            category="Rent and service charges",
            words="I was overcharged about £{heating} for the communal heating in the year to March "
            "{old_year}. I want the money back.",
            explanation="You are asking for a refund of about £{heating} of communal heating charges for the "
            "year to March {old_year}. Those charges were finalised in the statement we sent you on "
            "{statement}, more than 12 months ago, and were not disputed at the time, so we will not consider "
            "them as a complaint. If you think this year's "
            "heating charges are wrong we will look at them straight away. You can ask the Housing Ombudsman "
            "to review our decision not to take your complaint on.",
        ),
        dict(
            category="Lettings",
            words="When I moved in during {old_month} the kitchen was in a terrible state and I had to pay to "
            "have cupboards fixed. I want the money back.",
            explanation="Your complaint is about the condition of the kitchen when your tenancy began in "
            "{old_month}, more than 12 months before you raised it on {received}. We cannot now check what "
            "state the kitchen was in or what was done, so we will not consider it as a complaint. If any "
            "units need repair now, please report them and we will inspect. You can ask the Housing "
            "Ombudsman to review our decision not to take your complaint on.",
        ),
    ],
    ExclusionReason.LEGAL_PROCEEDINGS: [
        dict(
            category="Rent and service charges",
            words="You're taking me to court over arrears that are your mistake. Your system has been wrong "
            "for months.",
            explanation="Possession proceedings for rent arrears were issued at {court} County Court on "
            "{issued}, and what you owe is one of the things the court will decide. We cannot consider the "
            "same matter through our complaints procedure while the case is going on. We have sent you a "
            "separate statement showing how the arrears are made up, and our money advice team can help. "
            "You can ask the Housing Ombudsman to review our decision not to take your complaint on.",
        ),
        dict(
            category="Damp and mould",
            words="My solicitor has started a disrepair claim but I want to complain as well about the mould "
            "and the repairs that never get done.",
            explanation="Your solicitors issued a housing disrepair claim at {court} County Court on {issued} "
            "about the same mould and repairs, so those matters are now for the court and we will not "
            "consider them through our complaints procedure. We will still do the repairs: a surveyor's "
            "inspection is booked for {inspection}. Anything new that is not part of the claim can be raised "
            "as a separate complaint. You can ask the Housing Ombudsman to review our decision.",
        ),
    ],
    ExclusionReason.ALREADY_CONSIDERED: [
        dict(
            category="",  # the category of the earlier complaint
            words="I'm complaining again about {title} because I'm still not happy with how it was left.",
            explanation="We investigated this same matter under complaint {prev_ref} and sent our response on "
            "{prev_responded}. You have not raised anything new, so we will not consider it again as a new "
            "complaint; the actions agreed in that response are still being tracked. If you are unhappy with "
            "our response to {prev_ref}, tell us and we will escalate it to stage 2. You can also ask the "
            "Housing Ombudsman to review our decision.",
        ),
    ],
    ExclusionReason.OTHER: [
        dict(
            category="Estate services",
            words="The garden of the private flats next door is overgrown and full of rats and rubbish and it's "
            "coming onto our estate.",
            explanation="The garden you describe belongs to {private_block}, a privately owned building we "
            "neither own nor manage, so we cannot investigate it as a complaint about our service. We have "
            "reported the rubbish and rats to the council's environmental health team for you (their "
            "reference EH/{num}), and our pest contractor will treat our side of the boundary. You can ask "
            "the Housing Ombudsman to review our decision not to take your complaint on.",
        ),
        dict(
            category="Lettings",
            words="The council put me in band {band} for rehousing and I should be higher because of my health.",
            explanation="Your complaint is about the council's letter of {council_letter} placing you in band "
            "{band} on the housing register. Banding is decided by the council, not by us, so we cannot "
            "consider it through our complaints procedure. You can ask the council to review your banding "
            "within 21 days of that letter, and then complain to the council and the Local "
            "Government and Social Care Ombudsman. You can ask the Housing Ombudsman to review our decision "
            "not to take your complaint on.",
        ),
    ],
}

# --- the mix ---------------------------------------------------------------------------
#
# For 200 complaints; other counts are scaled (largest remainder, so they add up exactly).

MIX_200: list[tuple[str, int]] = [
    ("closed1", 84),  # answered and closed at stage 1
    ("closed2", 18),  # escalated, answered and closed at stage 2
    ("answered1", 10),  # stage 1 answered: close or escalate
    ("undefined1", 8),  # stage 1 logged, not yet defined
    ("unacked1", 12),  # stage 1 defined, awaiting acknowledgement
    ("respond1", 24),  # stage 1 acknowledged, awaiting response
    ("extended1", 8),  # stage 1 extended, awaiting response
    ("undefined2", 2),  # stage 2 requested, not yet defined
    ("unacked2", 4),  # stage 2 defined, awaiting acknowledgement
    ("respond2", 8),  # stage 2 acknowledged, awaiting response
    ("extended2", 3),  # stage 2 extended, awaiting response
    ("answered2", 3),  # stage 2 answered, awaiting close
    ("refused", 8),
    ("withdrawn", 8),
]

# Working days from today to the open deadline, by the state it should be in.
_STATE_OFFSETS = {
    "overdue": [-1, -1, -2, -3, -4, -6],
    "today": [0],
    "soon": [1, 2],
    "track": [3, 4, 5, 6, 8, 10, 12, 15],
}
_STATE_CYCLE = ["overdue", "today", "soon", "track", "track", "overdue", "soon", "track"]


def mix(count: int) -> list[tuple[str, int]]:
    """How many complaints of each kind for `count` in all (the same proportions as MIX_200)."""
    total = sum(n for _, n in MIX_200)
    exact = [(kind, n * count / total) for kind, n in MIX_200]
    counts = {kind: int(x) for kind, x in exact}
    left = count - sum(counts.values())
    by_remainder = sorted(exact, key=lambda kx: -(kx[1] - int(kx[1])))
    for kind, _ in by_remainder[:left]:
        counts[kind] += 1
    return [(kind, counts[kind]) for kind, _ in MIX_200]


# --- working-day arithmetic -------------------------------------------------------------


class _Days:
    def __init__(self, calendar: WorkingCalendar) -> None:
        self.calendar = calendar
        self._working: dict[date, bool] = {}

    def working(self, d: date) -> bool:
        known = self._working.get(d)
        if known is None:
            known = self._working[d] = self.calendar.is_working_day(d)
        return known

    def add(self, d: date, n: int) -> date:
        """The Nth working day strictly after `d` (as WorkingCalendar.add_working_days)."""
        counted = 0
        while counted < n:
            d += timedelta(days=1)
            if self.working(d):
                counted += 1
        return d

    def back(self, d: date, n: int) -> date:
        """The Nth working day strictly before `d` (the inverse of add on a working day)."""
        counted = 0
        while counted < n:
            d -= timedelta(days=1)
            if self.working(d):
                counted += 1
        return d

    def shift(self, d: date, n: int) -> date:
        if n > 0:
            return self.add(d, n)
        if n < 0:
            return self.back(d, -n)
        return self.on_or_before(d)

    def on_or_before(self, d: date) -> date:
        while not self.working(d):
            d -= timedelta(days=1)
        return d

    def between(self, a: date, b: date) -> int:
        """Working days after `a` up to and including `b` (as WorkingCalendar.working_days_between)."""
        if b < a:
            return -self.between(b, a)
        count = 0
        while a < b:
            a += timedelta(days=1)
            count += self.working(a)
        return count


def _long(d: date) -> str:
    return f"{d.day} {d:%B %Y}"


def _short(d: date) -> str:
    return f"{d.day} {d:%B}"


def _cap(text: str) -> str:
    return text[:1].upper() + text[1:]


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:]


# --- stories: one complaint's dated steps -------------------------------------------------

Step = Callable[["_Runner", StepContext], None]


@dataclass
class _Story:
    seq: int
    kind: str
    category: str
    issue: dict[str, Any]
    fill: dict[str, Any]
    person: dict[str, str]
    handler1: str
    handler2: str = ""
    steps: list[tuple[date, str, Step]] = field(default_factory=list)
    received: date | None = None
    responded1: date | None = None
    not_responsible: str = ""
    amt1: int = 0
    actions1: str = ""
    stage1_people: set[str] = field(default_factory=set)  # none of them may take stage 2 (6.13)

    def add(self, on: date, actor: str, step: Step) -> None:
        if self.steps and on < self.steps[-1][0]:
            raise AssertionError(f"demo story {self.seq} ({self.kind}) goes back in time at {on}")
        self.steps.append((on, actor, step))

    def text(self, template: str, **extra: Any) -> str:
        return template.format_map({**self.fill, **extra})


class _Runner:
    """Plays the steps: the use-cases' steps planned and held (chc_tui.demo.planned), and
    each story's reference once logged."""

    def __init__(self, steps: PlannedSteps) -> None:
        self.steps = steps
        self.refs: dict[int, str] = {}


@dataclass
class _Stage1:
    """Durations of a stage 1 handled to a response, in working days."""

    ack_after: int  # receipt -> acknowledgement
    define_after: int  # receipt -> definition (<= ack_after)
    respond_after: int  # acknowledgement -> response
    extend_after: int = 0  # acknowledgement -> extension decided (0: no extension)
    extend_beyond: int = 0  # working days beyond the response target
    good_reason: bool = False
    reassign: bool = False
    redefine: bool = False


def _response_fields(decision: str, reasons: str, remedy: list[str], actions: str, impact: str,
                     remedy_due: date, action_due: date, team: str) -> dict[str, object]:
    """The response as a handler types it: one remedy a line and one action a line
    (chc_tui.steps.remedies.REMEDY_GRAMMAR, ACTION_GRAMMAR), recorded as records."""
    due, by = f"due {remedy_due:%d/%m/%Y}", f"due {action_due:%d/%m/%Y}"
    lines = []
    for text in (r.strip().rstrip(".") for r in remedy if r and r.strip()):
        if text.startswith("£"):
            lines.append(f"{text}, {due}")
        elif text.lower().startswith("an apology"):
            lines.append(f"apology: {text}, {due}")
        elif "remains open" in text:
            lines.append(f"explanation: {text}, {due}")
        else:
            lines.append(f"action: {text}, {due}")
    return dict(
        decision=str(decision),
        reasons=reasons,
        remedies=lines,
        actions=[f"{actions.strip().rstrip('.')}, {by}, owner {team} team"] if actions.strip() else [],
        impact=_cap(impact) if lines else "",
    )


class _Planner:
    def __init__(self, rng: random.Random, days: _Days, today: date) -> None:
        self.rng = rng
        self.days = days
        self.today = today
        self.stories: list[_Story] = []
        self.names_used: set[str] = set()
        self.policy = CODE_2024
        self.last_workday = days.on_or_before(today)

    # --- people and content -----------------------------------------------------------

    def _name(self) -> tuple[str, str]:
        rng = self.rng
        for _ in range(50):
            female = rng.random() < 0.58
            first = rng.choice(FEMALE if female else MALE)
            surname = rng.choice(SURNAMES)
            name = f"{first} {surname}"
            if name not in self.names_used and first != surname:
                break
        self.names_used.add(name)
        return name, "f" if female else "m"

    def _person(self) -> dict[str, str]:
        rng = self.rng
        name, sex = self._name()
        first, surname = name.split(" ", 1)
        channel = rng.choices([c for c, _ in CHANNELS], [w for _, w in CHANNELS])[0]
        if rng.random() < 0.45:
            address = f"Flat {rng.randint(1, 48)}, {rng.choice(BLOCKS)}, {rng.choice(STREETS)}, {TOWN}"
        else:
            address = f"{rng.randint(1, 140)} {rng.choice(STREETS)}, {TOWN}"
        postcode = f"NB{rng.randint(1, 9)} {rng.randint(1, 9)}{rng.choice('ABDEFGHJLNPQRSTUWXYZ')}{rng.choice('ABDEFGHJLNPQRSTUWXYZ')}"
        phone = f"07700 900{rng.randint(0, 999):03d}" if rng.random() < 0.9 else ""
        email = ""
        if channel in (Channel.EMAIL, Channel.WEB_FORM) or rng.random() < 0.4:
            plain = unicodedata.normalize("NFKD", f"{first}.{surname}").encode("ascii", "ignore").decode()
            handle = plain.lower().replace("'", "")
            email = f"{handle}{rng.randint(1, 99)}@example.com"
        rep_name = rep_rel = ""
        roll = rng.random()
        if roll < 0.05:
            rep_rel = rng.choice(["daughter", "son"])
            rep_first = rng.choice(FEMALE if rep_rel == "daughter" else MALE)
            rep_name = f"{rep_first} {surname}"
        elif roll < 0.08:
            rep_rel, rep_name = "MP", rng.choice(MPS)
            channel = Channel.THIRD_PARTY
        elif roll < 0.12:
            rep_rel, rep_name = "advocate", rng.choice(ADVOCATES)
            channel = rng.choice([Channel.THIRD_PARTY, Channel.EMAIL])
        return dict(
            name=name,
            first=first,
            sex=sex,
            address=f"{address} {postcode}",
            phone=phone,
            email=email,
            channel=str(channel),
            rep_name=rep_name,
            rep_rel=rep_rel,
        )

    def _category(self, received: date) -> str:
        winter = received.month in (10, 11, 12, 1, 2, 3)
        weights = [w * (1.8 if (c == "Damp and mould" and winter) else 1) for c, w in CATEGORY_WEIGHTS.items()]
        return self.rng.choices(list(CATEGORY_WEIGHTS), weights)[0]

    def _words(self, story: _Story, template: str) -> str:
        words = story.text(template)
        p = story.person
        if p["rep_rel"] in ("daughter", "son"):
            parent = "mum" if p["sex"] == "f" else "dad"
            pronoun = "her" if p["sex"] == "f" else "his"
            words = f"I'm writing for my {parent}, {p['first']}. In {pronoun} words: \"{words}\""
        elif p["rep_rel"] == "MP":
            words = f"My constituent {p['name']} has asked me to raise this on their behalf. In their words: \"{words}\""
        elif p["rep_rel"] == "advocate":
            words = f"I support {p['first']} and write with their permission. In their words: \"{words}\""
        return words

    def _handler1(self) -> str:
        return self.rng.choices(STAGE_ONE_HANDLERS, STAGE_ONE_WEIGHTS)[0]

    def _handler2(self, not_these: set[str] | str) -> str:
        """Someone to take over, never one of `not_these` (Code 6.13 at stage 2)."""
        if isinstance(not_these, str):
            not_these = {not_these}
        barred = {name.casefold() for name in not_these}
        candidates = [(h, w) for h, w in zip(STAGE_TWO_HANDLERS, STAGE_TWO_WEIGHTS) if h.casefold() not in barred]
        if not candidates:
            candidates = [(h, 1) for h in STAGE_ONE_HANDLERS if h.casefold() not in barred]
        return self.rng.choices([h for h, _ in candidates], [w for _, w in candidates])[0]

    def new_story(self, kind: str, received: date, category: str | None = None, person=None) -> _Story:
        rng = self.rng
        category = category or self._category(received)
        issue = rng.choice(CONTENT[category])
        fill = dict(
            room=rng.choice(ROOMS),
            weeks=0,
            reported_days_before=rng.randint(12, 70),
            reported="",
            reported_month="",
            contractor=issue["contractor"] or "Apex Property Services",
            block=rng.choice(BLOCKS),
            neighbour=rng.randint(2, 64),
            visits=rng.choice(["three", "four", "five", "six"]),
            bank_charges=rng.choice([12, 24, 30, 36]),
            increase=rng.choice([18, 22, 27, 34, 41]),
            refund=rng.choice([40, 65, 85, 120, 150]),
            repair_date="",
            handler="",
        )
        story = _Story(
            seq=len(self.stories),
            kind=kind,
            category=category,
            issue=issue,
            fill=fill,
            person=person or self._person(),
            handler1=self._handler1(),
        )
        story.not_responsible = rng.choice(issue["not_responsible"])
        self.stories.append(story)
        return story

    def _received_near(self, latest_age: int, oldest_age: int, channel: str) -> date:
        """A receipt date between `oldest_age` and `latest_age` days ago; letters and calls on weekdays."""
        received = self.today - timedelta(days=self.rng.randint(latest_age, oldest_age))
        if received.weekday() >= 5 and channel not in (Channel.EMAIL, Channel.WEB_FORM, Channel.SOCIAL_MEDIA):
            received -= timedelta(days=received.weekday() - 4)
        return received

    # --- durations ----------------------------------------------------------------------

    def _ack_after(self, received: date, late_ok: bool = True) -> int:
        choices, weights = [0, 1, 2, 3, 4, 5], [8, 22, 22, 18, 12, 10]
        if late_ok:
            choices, weights = choices + [6, 7, 9], weights + [4, 3, 2]
        a = self.rng.choices(choices, weights)[0]
        if a == 0 and not self.days.working(received):
            a = 1
        return a

    def _stage1(self, received: date, *, extended: bool = False, good_reason: bool = False) -> _Stage1:
        rng = self.rng
        a = self._ack_after(received)
        d = a if rng.random() < 0.6 else rng.randint(0, a)
        if d == 0 and not self.days.working(received):
            d = 0  # defining on the day received is allowed even at a weekend (email read at home)
        if extended:
            beyond = rng.choice([13, 15]) if good_reason else rng.choice([3, 5, 5, 8, 10])
            decided = rng.randint(5, 10)
            respond = rng.randint(10 + (beyond + 1) // 2, 10 + beyond)
            if rng.random() < 0.1:
                respond = 10 + beyond + rng.randint(1, 3)  # late even after the extension
            return _Stage1(a, d, respond, decided, beyond, good_reason, rng.random() < 0.05, rng.random() < 0.05)
        m = rng.choices(range(2, 17), [2, 4, 6, 8, 10, 10, 10, 9, 9, 3, 2, 2, 1, 1, 1])[0]
        return _Stage1(a, d, m, reassign=rng.random() < 0.06, redefine=rng.random() < 0.05)

    def _stage2(self, requested: date, *, extended: bool = False) -> _Stage1:
        rng = self.rng
        a = self._ack_after(requested)
        d = a if rng.random() < 0.6 else rng.randint(0, a)
        if extended:
            beyond = rng.choice([5, 10, 10, 15, 20])
            decided = rng.randint(12, 20)
            respond = rng.randint(20 + (beyond + 1) // 2, 20 + beyond)
            return _Stage1(a, d, respond, decided, beyond)
        m = rng.choices(range(6, 27), [1] * 5 + [3] * 10 + [2, 1, 1, 1, 1, 1])[0]
        return _Stage1(a, d, m)

    def _received_for(self, responded: date, dur: _Stage1) -> date:
        """The receipt (or escalation) date from which `dur` leads to a response on `responded`."""
        return self.days.back(self.days.back(responded, dur.respond_after), dur.ack_after)

    # --- steps ----------------------------------------------------------------------------

    def log(self, s: _Story, on: date, words: str | None = None, resident_of: int | None = None) -> None:
        p = s.person
        s.received = on
        reported = on - timedelta(days=s.fill["reported_days_before"])
        s.fill.update(
            reported=_short(reported),
            reported_month=f"{reported:%B}",
            weeks=max(2, round(s.fill["reported_days_before"] / 7)),
        )
        resident_words = self._words(s, words if words is not None else self.rng.choice(s.issue["words"]))
        kwargs = dict(
            received_on=on,
            channel=p["channel"],
            resident_name=p["name"],
            category=s.category,
            resident_words=resident_words,
            handler=s.handler1,
            resident_address=p["address"],
            resident_phone=p["phone"],
            resident_email=p["email"],
            representative_name=p["rep_name"],
            representative_relationship=p["rep_rel"],
        )

        def step(run: _Runner, ctx: StepContext) -> None:
            extra = {}
            if resident_of is not None:
                extra = dict(resident_id=run.steps.resident_id(run.refs[resident_of]), resident_name="")
            run.refs[s.seq] = run.steps.log_complaint(ctx=ctx, **{**kwargs, **extra})

        s.add(on, s.handler1, step)

    def define1(self, s: _Story, on: date, *, redefinition: bool = False) -> None:
        understanding = s.text(s.issue["understanding"])
        if redefinition:
            understanding += (
                f" Redefined after a call with the resident on {_long(on)}: the complaint also covers how we "
                "kept them informed while it was being looked into."
            )
        fields = dict(
            understanding=understanding,
            outcomes_sought=s.text(s.issue["outcomes"]),
            responsible_aspects=s.text(s.issue["responsible"]),
            not_responsible_aspects=s.text(s.not_responsible),
        )
        self._define(s, on, s.handler1, fields)

    def _define(self, s: _Story, on: date, actor: str, fields: dict[str, str]) -> None:
        def step(run: _Runner, ctx: StepContext) -> None:
            run.steps.define(run.refs[s.seq], defined_on=on, ctx=ctx, **fields)

        s.add(on, actor, step)

    def acknowledge(self, s: _Story, on: date, actor: str) -> None:
        def step(run: _Runner, ctx: StepContext) -> None:
            run.steps.acknowledge(run.refs[s.seq], acknowledged_on=on, ctx=ctx, letter=letters.AS_DRAFTED)

        s.add(on, actor, step)

    def assign(self, s: _Story, on: date, to: str) -> None:
        def step(run: _Runner, ctx: StepContext) -> None:
            run.steps.assign_handler(run.refs[s.seq], handler=to, ctx=ctx)

        s.add(on, MANAGER, step)

    def extend(self, s: _Story, stage: int, acked: date, dur: _Stage1, actor: str) -> date:
        """Plan an extension; returns the new due date."""
        rules = self.policy.for_stage(stage)
        target = self.days.add(acked, rules.respond_days)
        new_due = self.days.add(target, dur.extend_beyond)
        decided = min(self.days.add(acked, dur.extend_after), self.last_workday)
        told = decided if self.rng.random() < 0.8 else min(self.days.add(decided, 1), self.last_workday)
        reasons = EXTENSION_REASONS_1 if stage == 1 else EXTENSION_REASONS_2
        reason = self.rng.choice(reasons)
        good = ""
        if not rules.within_extension_limit(dur.extend_beyond):
            reason, good = self.rng.choice(GOOD_REASONS)
            good = good.format(on=_long(self.days.back(new_due, 3)))
        details = self.rng.random() < 0.9

        def step(run: _Runner, ctx: StepContext) -> None:
            run.steps.extend(
                run.refs[s.seq],
                new_due=new_due,
                reason=reason,
                decided_on=decided,
                told_resident_on=told,
                ombudsman_details_given=details,
                good_reason=good,
                # A few extensions were agreed by phone and never written down: no letter.
                letter=letters.AS_DRAFTED if details else None,
                # The demo records what happened: one agreed by phone, with no Ombudsman
                # details, is not in line with the Code and shows as such in the figures.
                accept_shortfalls=True,
                ctx=ctx,
            )

        s.add(told, actor, step)  # recorded when the letter telling the resident goes out
        return new_due

    def respond1(self, s: _Story, on: date, decision: str, late: bool) -> None:
        rng = self.rng
        s.fill["handler"] = s.handler1.split()[0]
        s.fill["repair_date"] = _long(self.days.add(on, rng.randint(4, 15)))
        issue = s.issue
        failure, ok = s.text(issue["failure"]), s.text(issue["ok"])
        fix = s.text(issue["fix"])
        remedy: list[str] = []
        actions = ""
        if decision == Decision.UPHELD:
            reasons = f"We uphold your complaint. {_cap(failure)}"
            s.amt1 = rng.choice([50, 75, 100, 150, 200, 250])
            remedy = ["An apology.", fix, f"£{s.amt1} compensation for time and trouble."]
            actions = s.text(issue["follow_up"])
        elif decision == Decision.PARTLY_UPHELD:
            reasons = f"We partly uphold your complaint. {ok} However, {failure}"
            s.amt1 = rng.choice([25, 50, 75, 100])
            remedy = ["An apology for the failings we found.", fix, f"£{s.amt1} compensation for time and trouble."]
            actions = s.text(issue["follow_up"])
        else:
            reasons = f"We do not uphold your complaint. {s.text(issue['not_upheld'])}"
            s.amt1 = 0
            if rng.random() < 0.3:
                actions = s.text(issue["follow_up"])
        if late:
            reasons += " We are sorry this response is later than the Code's timescale."
            remedy.append("£25 for the delay in responding to your complaint.")
        s.responded1 = on
        s.actions1 = actions
        self._respond(s, on, s.handler1, _response_fields(decision, reasons, remedy, actions, failure,
                                                          self.days.add(on, 10), self.days.add(on, 20), TEAM[s.category]))

    def _respond(self, s: _Story, on: date, actor: str, fields: dict[str, object]) -> None:
        def step(run: _Runner, ctx: StepContext) -> None:
            run.steps.respond(run.refs[s.seq], responded_on=on, ctx=ctx, **fields, letter=letters.AS_DRAFTED)

        s.add(on, actor, step)

    def close(self, s: _Story, on: date, actor: str) -> None:
        def step(run: _Runner, ctx: StepContext) -> None:
            run.steps.close(run.refs[s.seq], closed_on=on, ctx=ctx)

        s.add(on, actor, step)

    def escalate(self, s: _Story, on: date, esc: dict[str, Any]) -> None:
        s.handler2 = self._handler2(s.stage1_people | {s.handler1})
        reason = s.text(esc["reason"], amt1=s.amt1)
        handler = s.handler2

        def step(run: _Runner, ctx: StepContext) -> None:
            run.steps.escalate(run.refs[s.seq], requested_on=on, handler=handler, reason=reason, ctx=ctx)

        s.add(on, handler, step)

    def define2(self, s: _Story, on: date, esc: dict[str, Any]) -> None:
        assert s.responded1 is not None
        reason = s.text(esc["reason"], amt1=s.amt1)
        fields = dict(
            understanding=f"The resident is unhappy with our stage 1 response of {_long(s.responded1)} about "
            f"{s.text(s.issue['title'])}. They say: \"{reason}\"",
            outcomes_sought=esc["outcomes"],
            responsible_aspects="A fresh review of the stage 1 investigation and remedy, covering: "
            + _lower_first(s.text(s.issue["responsible"])),
            not_responsible_aspects=s.text(s.not_responsible),
        )
        self._define(s, on, s.handler2, fields)

    def respond2(self, s: _Story, on: date, esc: dict[str, Any], decision: str, late: bool) -> None:
        rng = self.rng
        s.fill["handler"] = s.handler2.split()[0]
        s.fill["repair_date"] = _long(self.days.add(on, rng.randint(4, 15)))
        extra = dict(
            failure=s.text(s.issue["failure"]),
            ok=s.text(s.issue["ok"]),
            handler1=s.handler1.split()[0],
            amt1=s.amt1,
        )
        finding = s.text(esc[str(decision)], **extra)
        lead = (
            f"I have reviewed the stage 1 investigation and the records, and spoken to "
            f"{s.handler1.split()[0]} and the {TEAM[s.category]} team."
        )
        verdict = {
            Decision.UPHELD: "I uphold your complaint at stage 2.",
            Decision.PARTLY_UPHELD: "I partly uphold your complaint at stage 2.",
            Decision.NOT_UPHELD: "I do not uphold your complaint at stage 2.",
        }[Decision(decision)]
        reasons = (
            f"{lead} {verdict} {finding} This is our final response: if you are still unhappy you can refer "
            f"your complaint to the Housing Ombudsman."
        )
        if late:
            reasons += " I apologise that this response is later than the Code's timescale."
        remedy: list[str] = []
        actions = ""
        if decision == Decision.UPHELD:
            amount = s.amt1 + rng.choice([150, 200, 250, 300])
            total = (f"£{amount - s.amt1} further compensation, £{amount} in total with the £{s.amt1} offered at "
                     f"stage 1." if s.amt1 else f"£{amount} compensation for time, trouble and distress.")
            remedy = ["An apology from the Director of Housing.", s.text(s.issue["fix"]), total]
            actions = f"{s.text(s.issue['follow_up'])} Complaints manager to share lessons learned with the {TEAM[s.category]} team."
        elif decision == Decision.PARTLY_UPHELD:
            remedy = [
                "An apology for the failings found at stage 2.",
                f"£{rng.choice([50, 75, 100, 150])} further compensation for time and trouble.",
            ]
            actions = s.text(s.issue["follow_up"])
        elif s.amt1:
            remedy = [f"The stage 1 offer of £{s.amt1} remains open."]
        if late:
            remedy.append("£50 for the delay in responding at stage 2.")
        self._respond(s, on, s.handler2, _response_fields(decision, reasons, remedy, actions, finding,
                                                          self.days.add(on, 10), self.days.add(on, 20), TEAM[s.category]))

    def refuse(self, s: _Story, on: date, reason: str, explanation: str, **facts: Any) -> None:
        def step(run: _Runner, ctx: StepContext) -> None:
            text = explanation
            if "{prev_ref}" in text:
                text = text.replace("{prev_ref}", run.refs[s.fill["prev_seq"]])
            run.steps.refuse(
                run.refs[s.seq],
                exclusion_reason=reason,
                explanation=text,
                refused_on=on,
                ombudsman_right_explained=True,
                letter=letters.AS_DRAFTED,
                ctx=ctx,
                **facts,
            )

        s.add(on, s.handler1, step)

    def withdraw(self, s: _Story, on: date, actor: str, reason: str) -> None:
        def step(run: _Runner, ctx: StepContext) -> None:
            run.steps.withdraw(run.refs[s.seq], reason=reason, withdrawn_on=on, ctx=ctx, letter=letters.AS_DRAFTED)

        s.add(on, actor, step)

    # --- a whole stage ----------------------------------------------------------------------

    def _decision(self, stage: int, before_escalation: bool = False) -> str:
        if stage == 1 and before_escalation:
            weights = [15, 40, 45]
        elif stage == 1:
            weights = [35, 35, 30]
        else:
            weights = [25, 40, 35]
        return str(self.rng.choices(list(Decision), weights)[0])

    def stage1(
        self,
        s: _Story,
        received: date,
        dur: _Stage1,
        *,
        until: str = "respond",
        decision: str | None = None,
    ) -> dict[str, date]:
        """Plan stage 1 from receipt; `until` is the last step: log, define, acknowledge,
        respond. Returns the dates used."""
        days = self.days
        dates: dict[str, date] = {"received": received}
        self.log(s, received)
        if until == "log":
            return dates
        acked = days.add(received, dur.ack_after)
        defined = days.add(received, dur.define_after) if dur.define_after else received
        if until != "define":
            defined = min(defined, acked)
        s.stage1_people.add(s.handler1)
        if dur.reassign and until != "define":
            new = self._handler2(s.handler1)  # anyone else
            self.assign(s, defined, new)
            s.handler1 = new
            s.stage1_people.add(new)
        self.define1(s, defined)
        dates["defined"] = defined
        if until == "define":
            return dates
        self.acknowledge(s, acked, s.handler1)
        dates["acknowledged"] = acked
        responded = days.add(acked, dur.respond_after)
        if dur.redefine:
            redefine_on = min(days.add(acked, 1), self.last_workday)
            if until == "respond":
                redefine_on = min(redefine_on, responded)
            self.define1(s, redefine_on, redefinition=True)
        if until == "acknowledge":
            return dates
        due = days.add(acked, self.policy.stage_one.respond_days)
        if dur.extend_after:
            due = self.extend(s, 1, acked, dur, s.handler1)
            dates["new_due"] = due
        if until == "extend":
            return dates
        self.respond1(s, responded, decision or self._decision(1), late=responded > due)
        dates["responded"] = responded
        return dates

    def stage2(
        self,
        s: _Story,
        requested: date,
        dur: _Stage1,
        esc: dict[str, Any],
        *,
        until: str = "respond",
    ) -> dict[str, date]:
        days = self.days
        dates: dict[str, date] = {"requested": requested}
        self.escalate(s, requested, esc)
        if until == "escalate":
            return dates
        acked = days.add(requested, dur.ack_after)
        defined = min(days.add(requested, dur.define_after) if dur.define_after else requested, acked)
        self.define2(s, defined, esc)
        if until == "define":
            return dates
        self.acknowledge(s, acked, s.handler2)
        dates["acknowledged"] = acked
        if until == "acknowledge":
            return dates
        due = days.add(acked, self.policy.stage_two.respond_days)
        if dur.extend_after:
            due = self.extend(s, 2, acked, dur, s.handler2)
        if until == "extend":
            return dates
        responded = days.add(acked, dur.respond_after)
        self.respond2(s, responded, esc, self._decision(2), late=responded > due)
        dates["responded"] = responded
        return dates

    def _escalation(self, s: _Story) -> dict[str, Any]:
        options = [
            e for e in ESCALATIONS
            if (s.amt1 or not e["needs_award"]) and (s.actions1 or not e.get("needs_actions"))
        ]
        return self.rng.choice(options)

    def _stage1_before_escalation(self, s: _Story, requested: date) -> None:
        """Plan a whole stage 1, answered (and maybe closed) before the escalation request."""
        rng = self.rng
        days = self.days
        responded1 = days.on_or_before(requested - timedelta(days=rng.randint(0, 21)))
        dur = self._stage1(responded1, extended=rng.random() < 0.1)
        received = self._received_for(responded1, dur)
        self.stage1(s, received, dur, decision=self._decision(1, before_escalation=True))
        if rng.random() < 0.5:
            closed = min(days.add(responded1, rng.choice([0, 0, 1, 2])), requested)
            self.close(s, closed, s.handler1)

    # --- the kinds ------------------------------------------------------------------------

    def plan(self, kind: str, i: int) -> None:
        getattr(self, f"_plan_{kind}")(i)

    def _state(self, i: int, cycle: list[str] | None = None) -> str:
        cycle = cycle or _STATE_CYCLE
        return cycle[i % len(cycle)]

    def _offset(self, state: str, most: int) -> int:
        """Working days from today to the deadline for `state`, at most `most` ahead."""
        options = [o for o in _STATE_OFFSETS[state] if o <= most]
        return self.rng.choice(options)

    def _plan_closed1(self, i: int) -> None:
        rng = self.rng
        days = self.days
        extended = rng.random() < 0.1 or i == 3
        person = self._person()
        for attempt in range(20):
            received = self._received_near(28 + 20 * attempt, 460, person["channel"])
            dur = self._stage1(received, extended=extended, good_reason=(i == 3))
            responded = days.add(days.add(received, dur.ack_after), dur.respond_after)
            closed = days.add(responded, rng.choice([0, 0, 0, 0, 1, 2, 5]))
            if closed <= self.last_workday:
                break
        s = self.new_story("closed1", received, person=person)
        self.stage1(s, received, dur)
        self.close(s, closed, s.handler1)

    def _plan_closed2(self, i: int) -> None:
        rng = self.rng
        days = self.days
        for attempt in range(20):
            received = self._received_near(120 + 20 * attempt, 460, Channel.PHONE)
            dur1 = self._stage1(received, extended=rng.random() < 0.1)
            responded1 = days.add(days.add(received, dur1.ack_after), dur1.respond_after)
            requested = responded1 + timedelta(days=rng.randint(1, 28))
            dur2 = self._stage2(requested, extended=rng.random() < 0.15)
            responded2 = days.add(days.add(requested, dur2.ack_after), dur2.respond_after)
            closed2 = days.add(responded2, rng.choice([0, 0, 1, 3]))
            if closed2 <= self.last_workday:
                break
        s = self.new_story("closed2", received)
        closed_first = rng.random() < 0.5
        self.stage1(s, received, dur1, decision=self._decision(1, before_escalation=True))
        if closed_first:
            self.close(s, min(days.add(responded1, rng.choice([0, 0, 1])), requested), s.handler1)
        esc = self._escalation(s)
        self.stage2(s, requested, dur2, esc)
        self.close(s, closed2, s.handler2)

    def _plan_answered1(self, i: int) -> None:
        responded = self.days.back(self.today, self.rng.randint(0, 12)) if i else self.last_workday
        dur = self._stage1(responded, extended=(i == 4))
        received = self._received_for(responded, dur)
        s = self.new_story("answered1", received)
        self.stage1(s, received, dur)

    def _plan_undefined1(self, i: int) -> None:
        offset = self._offset(self._state(i), 5)
        received = self.days.shift(self.today, offset - self.policy.stage_one.acknowledge_days)
        s = self.new_story("undefined1", received)
        self.stage1(s, received, _Stage1(0, 0, 0), until="log")

    def _plan_unacked1(self, i: int) -> None:
        offset = self._offset(self._state(i), 5)
        received = self.days.shift(self.today, offset - self.policy.stage_one.acknowledge_days)
        span = self.days.between(received, self.last_workday)
        s = self.new_story("unacked1", received)
        self.stage1(s, received, _Stage1(0, self.rng.randint(0, max(span, 0)), 0), until="define")

    def _plan_respond1(self, i: int) -> None:
        cycle = ["track", "overdue", "soon", "today", "track", "track", "overdue", "soon", "track"]
        offset = self._offset(self._state(i, cycle), 10)
        acked = self.days.shift(self.today, offset - self.policy.stage_one.respond_days)
        received = self.days.back(acked, self.rng.choice([0, 1, 1, 2, 2, 3, 3, 4, 5]))
        dur = _Stage1(self.days.between(received, acked), 0, 0, redefine=self.rng.random() < 0.08)
        dur.define_after = dur.ack_after if self.rng.random() < 0.6 else self.rng.randint(0, dur.ack_after)
        s = self.new_story("respond1", received)
        self.stage1(s, received, dur, until="acknowledge")

    def _plan_extended1(self, i: int) -> None:
        rng = self.rng
        days = self.days
        cycle = ["track", "soon", "overdue", "today", "track"]
        state = self._state(i, cycle)
        new_due = days.shift(self.today, self._offset(state, 12))
        good = i == 0
        beyond = rng.choice([13, 15]) if good else rng.choice([3, 5, 8, 10])
        target = days.back(new_due, beyond)
        acked = days.back(target, self.policy.stage_one.respond_days)
        received = days.back(acked, rng.choice([1, 2, 3, 4, 5]))
        decided_after = min(rng.randint(5, 10), max(days.between(acked, self.last_workday), 1))
        dur = _Stage1(days.between(received, acked), 0, 0, decided_after, beyond, good)
        s = self.new_story("extended1", received)
        self.stage1(s, received, dur, until="extend")

    def _plan_undefined2(self, i: int) -> None:
        self._open_stage2("undefined2", i, until="escalate")

    def _plan_unacked2(self, i: int) -> None:
        self._open_stage2("unacked2", i, until="define")

    def _plan_respond2(self, i: int) -> None:
        self._open_stage2("respond2", i, until="acknowledge")

    def _plan_extended2(self, i: int) -> None:
        self._open_stage2("extended2", i, until="extend")

    def _plan_answered2(self, i: int) -> None:
        self._open_stage2("answered2", i, until="respond")

    def _open_stage2(self, kind: str, i: int, until: str) -> None:
        rng = self.rng
        days = self.days
        rules = self.policy.stage_two
        ack_cycle = ["overdue", "today", "soon", "track"]
        if until in ("escalate", "define"):
            offset = self._offset(self._state(i, ack_cycle if until == "define" else ["track", "overdue", "soon", "today"]), 5)
            requested = days.shift(self.today, offset - rules.acknowledge_days)
            span = max(days.between(requested, self.last_workday), 0)
            dur = _Stage1(rules.acknowledge_days, rng.randint(0, span), 0)
        elif until == "acknowledge":
            cycle = ["overdue", "track", "soon", "today", "track", "overdue", "track", "track"]
            offset = self._offset(self._state(i, cycle), 20)
            acked = days.shift(self.today, offset - rules.respond_days)
            requested = days.back(acked, rng.choice([1, 2, 3, 4, 5]))
            a = days.between(requested, acked)
            dur = _Stage1(a, a if rng.random() < 0.6 else rng.randint(0, a), 0)
        elif until == "extend":
            state = self._state(i, ["track", "overdue", "soon", "today"])
            new_due = days.shift(self.today, self._offset(state, 12))
            beyond = rng.choice([5, 10, 15, 20])
            target = days.back(new_due, beyond)
            acked = days.back(target, rules.respond_days)
            requested = days.back(acked, rng.choice([1, 2, 3, 4, 5]))
            decided_after = min(rng.randint(12, 19), max(days.between(acked, self.last_workday), 1))
            dur = _Stage1(days.between(requested, acked), 0, 0, decided_after, beyond)
        else:  # answered, awaiting close
            responded = days.back(self.today, rng.randint(0, 8))
            dur = self._stage2(responded)
            requested = self._received_for(responded, dur)
        s = self.new_story(kind, requested)  # received date is set by stage 1 below
        self._stage1_before_escalation(s, requested)
        esc = self._escalation(s)
        self.stage2(s, requested, dur, esc, until=until)

    def _plan_refused(self, i: int) -> None:
        rng = self.rng
        days = self.days
        reasons = list(ExclusionReason)
        reason = reasons[i % len(reasons)]
        templates = REFUSALS[reason]
        template = templates[(i // len(reasons)) % len(templates)]
        received = self._received_near(5, 420, Channel.EMAIL)
        prev = None
        if reason == ExclusionReason.ALREADY_CONSIDERED:
            earlier = [
                st for st in self.stories
                if st.kind == "closed1" and st.responded1 and st.responded1 < received - timedelta(days=30)
                and not any(getattr(o, "fill", {}).get("prev_seq") == st.seq for o in self.stories)
            ]
            if earlier:
                prev = rng.choice(earlier)
            else:
                reason, template = ExclusionReason.OTHER, REFUSALS[ExclusionReason.OTHER][i % 2]
        category = prev.category if prev else template["category"]
        s = self.new_story("refused", received, category=category, person=prev.person if prev else None)
        refused_on = min(days.add(received, rng.randint(1, 4)), self.last_workday)
        if refused_on < received:
            refused_on = received
        old = received - timedelta(days=rng.randint(430, 800))
        # Service charge years end in March; the statement goes out in the September after.
        year_limit = received - timedelta(days=400)
        heating_year = year_limit.year if date(year_limit.year, 9, 28) <= year_limit else year_limit.year - 1
        extra = dict(
            old_month=f"{old:%B %Y}",
            old_year=heating_year,
            received=_long(received),
            court=rng.choice(COURTS),
            issued=_long(issued_on := received - timedelta(days=rng.randint(10, 60))),
            inspection=_long(days.add(refused_on, rng.randint(5, 12))),
            private_block=rng.choice(["Riverside Court", "Wharf Mill Apartments", "The Maltings"]),
            num=rng.randint(10000, 99999),
            band=rng.choice(["B", "C", "C", "D"]),
            heating=rng.randint(60, 420),
            statement=_long(date(heating_year, 9, rng.randint(1, 28))),
            council_letter=_long(received - timedelta(days=rng.randint(3, 18))),
        )
        if prev is not None:
            s.fill["prev_seq"] = prev.seq
            extra.update(title=prev.text(prev.issue["title"]), prev_responded=_long(prev.responded1))
        s.fill.update(extra)
        words = template["words"].replace("{prev_ref}", "{{prev_ref}}")
        explanation = template["explanation"].replace("{prev_ref}", "{{prev_ref}}")
        self.log(s, received, words=words, resident_of=prev.seq if prev else None)
        facts = {
            ExclusionReason.OVER_TWELVE_MONTHS: dict(
                issue_on=old, aware_on=old,
                discretion_considered="Considered accepting it late: no good reason was given for the delay, "
                "and the records that would show what happened are no longer held (Code 2.3)."),
            ExclusionReason.LEGAL_PROCEEDINGS: dict(claim_filed_on=issued_on),
        }.get(reason, {})
        self.refuse(s, refused_on, str(reason), s.text(explanation), **facts)

    def _withdrawal_reason(self, s: _Story, i: int) -> str:
        specific = WITHDRAWAL_REASONS_BY_CATEGORY.get(s.category)
        if specific and i % 2 == 0:
            return specific
        return WITHDRAWAL_REASONS[i % len(WITHDRAWAL_REASONS)]

    def _plan_withdrawn(self, i: int) -> None:
        rng = self.rng
        days = self.days
        variant = i % 4
        if variant == 3:  # withdrawn at stage 2
            for attempt in range(20):
                requested = days.on_or_before(self.today - timedelta(days=rng.randint(20 + 15 * attempt, 300)))
                dur2 = self._stage2(requested)
                acked = days.add(requested, dur2.ack_after)
                withdrawn = days.add(acked, rng.randint(1, 10))
                if withdrawn <= self.last_workday:
                    break
            s = self.new_story("withdrawn", requested)
            reason = self._withdrawal_reason(s, i)
            self._stage1_before_escalation(s, requested)
            esc = self._escalation(s)
            self.stage2(s, requested, dur2, esc, until="acknowledge")
            self.withdraw(s, withdrawn, s.handler2, reason)
            return
        for attempt in range(20):
            received = self._received_near(25 + 10 * attempt, 400, Channel.PHONE)
            dur = self._stage1(received)
            acked = days.add(received, dur.ack_after)
            if variant == 0:
                withdrawn = days.add(received, rng.randint(1, max(dur.ack_after, 1)))
            else:
                withdrawn = days.add(acked, rng.randint(1, 8))
            if withdrawn <= self.last_workday:
                break
        s = self.new_story("withdrawn", received)
        reason = self._withdrawal_reason(s, i)
        until = "define" if variant == 0 else "acknowledge"
        if variant == 0 and withdrawn <= days.add(received, dur.define_after):
            until = "log"
        self.stage1(s, received, dur, until=until)
        self.withdraw(s, withdrawn, s.handler1, reason)


# --- the entry point ------------------------------------------------------------------------


def _christmas_days(today: date, oldest: date) -> list[date]:
    upcoming = today.year if today <= date(today.year, 12, 24) else today.year + 1
    return [date(year, 12, 24) for year in range(oldest.year, upcoming + 1)]


DEMO_LANDLORD = "Northbridge Homes"
DEMO_HOMES = 3950
DEFAULT_SEED = 2024


from chc_tui.demo.wider_record import EXTRA_COMPLAINTS, MIN_COMPLAINTS, add_wider_record  # noqa: E402


def build_demo_database(
    path: Path, count: int = 200, today: date | None = None, seed: int = DEFAULT_SEED, *,
    replace_unmarked: bool = False,
) -> None:
    """Write a fresh demo database at `path` with about `count` complaints dated to `today`.

    Refuses (DemoRefused) a file that is not a demo (chc_tui.demo.demo_file); `replace_unmarked`
    is for the demo's own default path only. Built beside `path` under a hidden name and
    moved into place only when finished (demo_file.put_demo_in_place)."""
    day = today or date.today()

    def make(building: Path) -> None:
        # The collector waits, as during an import (chc_tui.collector): the build keeps
        # every record it makes until it ends, and each filled generation rescanned them
        # all (0.1-0.15 s of its CPU); what cycles it leaves are collected once, after.
        with collector.paused():
            _build(building, count, day, seed)
        _standalone(building)

    put_demo_in_place(Path(path), make, is_default=replace_unmarked)


def _standalone(path: Path) -> None:
    """Fold the WAL into the file itself, so the file can be moved alone."""
    import sqlite3
    from contextlib import closing

    with closing(sqlite3.connect(path)) as conn:
        conn.execute("PRAGMA journal_mode = DELETE")


def _build(path: Path, count: int, today: date, seed: int) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    db = open_database(path)
    try:
        # One transaction for the whole build, each step a savepoint in it (as the importer's
        # rows are): what a step reads once per transaction (who is acting, who a typed
        # handler is) is then read once, and no step pays for a commit of its own. So the
        # demo's own reads go through db.write() too: a separate reader would not see it.
        with db.write() as session:
            held = _hold_what_it_reads(session)
            _fill(db, count, today, seed)
            held.clear()
    finally:
        db.dispose()


def _hold_what_it_reads(session: Session) -> list[object]:
    """Hold every record the build's session reads or writes until the build ends. The
    session's identity map holds them only weakly, so a step that looked up a record the
    step before it had in hand (the resident for its letter, the remedy to mark done)
    read it again; held, `session.get` finds it without a query. The build's one session
    is the only writer, so a record held is the record as stored."""
    held: list[object] = []
    event.listen(session, "loaded_as_persistent", lambda _session, row: held.append(row))
    event.listen(session, "pending_to_persistent", lambda _session, row: held.append(row))
    return held


def _fill(db: Database, count: int, today: date, seed: int) -> None:
    rng = random.Random(seed)
    oldest = today - timedelta(days=470)
    register_demo_staff(db, oldest - timedelta(days=30))
    setup = StepContext(actor=login_of(MANAGER), today=today)
    usecases.set_landlord_name(db, DEMO_LANDLORD, ctx=setup)
    update_landlord_settings(
        db, ctx=setup,
        address="Northbridge Homes, 12 Quay Street, Northbridge NB1 2QS",
        complaints_officer="Jo Price, Complaints Officer (01632 960 400, complaints@northbridge-homes.example)",
        member_responsible="Cllr Ruth Adeyemi, Member Responsible for Complaints",
        # printed under each signer's own name, title and contact details (issue 17)
        signature="Northbridge Homes is a registered provider of social housing (RP 4321).",
    )
    for year in range(financial_year.year_of(oldest), financial_year.year_of(today) + 1):
        set_homes_owned(db, year=year, homes=DEMO_HOMES, ctx=setup)
    for day in _christmas_days(today, oldest):
        usecases.add_closure_day(db, day, CLOSURE_NOTE, ctx=setup)
    with db.write() as session:
        calendar = load_calendar(session)
    planner = _Planner(rng, _Days(calendar), today)
    around = count >= MIN_COMPLAINTS  # the records around complaints add a few complaints
    for kind, n in mix(count - EXTRA_COMPLAINTS if around else count):
        for i in range(n):
            planner.plan(kind, i)
    events = sorted(
        ((on, story.seq, n, actor, step) for story in planner.stories for n, (on, actor, step) in enumerate(story.steps)),
        key=lambda e: e[:3],
    )
    with db.write() as session:  # the build's transaction
        runner = _Runner(PlannedSteps(db, session))
        for on, _seq, _n, actor, step in events:
            step(runner, StepContext(actor=login_of(actor), today=on))
        runner.steps.flush()
    if around:
        add_wider_record(db, today, rng, STAGE_ONE_HANDLERS, MANAGER)
    follow_through(db, today, seed, calendar)
    with db.write() as session:  # last: only a finished build carries the mark
        put_setting(session, DEMO_RELEASE_MARK, release())
        put_setting(session, DEMO_MARK, today.isoformat())
