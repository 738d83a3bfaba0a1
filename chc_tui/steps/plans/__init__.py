"""The rules of a complaint's steps as pure functions ("plans"): given the complaint's state
as plain values and the command, each checks the Code's rules and returns the records to
write, or raises the StepRefused the use-case raises. Nothing here reads or writes the
database, so one rule has one home: the ORM use-cases (chc_tui.steps.usecases) load the
state, call the plan and write what it returns; the importer (chc_tui.spreadsheets.importer)
holds each complaint's state in memory, calls the same plans and writes the rows in bulk
(chc_tui.steps.bulk).

How to call them (values in, records out):

- State in: `state.ComplaintNow` (reference, status, received date) and `state.StageNow`
  of the current stage (number, opened, acknowledged, responded); what else a step reads is
  a keyword (a stage's deadlines' due dates, its previous definition, who considered stage
  1...). `StepContext` says who acts and today; a `WorkingCalendar` counts the clocks.
- Records out: column values by name (`state.Values`), ids left to the writer: the plan
  says which record each one belongs to (a complaint_id, stage_id the writer fills in).
  `audit_values` / `deadline_values` make an audit entry's and a deadline's columns.
- Changes out: what the step changes in records already there, as data
  (`changes.Changes`: the complaint's columns, the current stage's, and its deadlines' by
  which one), set with `changes.apply_changes` on an ORM record or a dict alike.
- Every step also moves the complaint's version on by one (usecases._complaint_for_change);
  a writer holding the complaint does that itself before calling the plan.

The steps, in a complaint's order: log (`log.check_log`, `log.plan_log`, `log.next_reference`),
define, acknowledge, extend, respond, escalate (`escalate.plan_escalate`: Code 6.10-6.13,
with who considered stage 1 from store.stage_people.who_considered), refuse, withdraw,
close. At stage 2 the same define/acknowledge/extend/respond plans run with the stage 2
`StageNow`; whoever records them must not have considered stage 1
(`independent.require_independent`, Code 6.13), checked before the plan. After the
response, its promises followed to done (7.3): `follow_up.plan_remedy_outcome`,
`follow_up.plan_action_update`, of the remedy's or action's columns.
"""
