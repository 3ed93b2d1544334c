"""The cycle's rules as triggers on the shared database: they hold for plain SQL as a person.

Row-level security says whose a row is; these say what a person's own row may become
(docs/postgres.md, "The cycle's rules in the database"):

- an objective of a team that asks for approval is never made `active` by its maker, and is made
  `closed` or `archived` only once its lead approved it as it is (its newest decision by the lead
  approves, and no change of content voided it since); a change
  of its content (title, level, period, team, or its KRs' titles, kinds, starts, targets,
  low/high, units, weights, or which KRs it has) sends an active one back to review and voids
  the lead's approvals, so an approval always covers what was approved;
- a dependency whose ends or note change loses its answer (agreed or declined): asked again;
- a KR's owner history is written by the database: each change of its owner is appended, and
  nobody rewrites it (a check-in counts by who answered for the KR on its day);
- a team id already named by someone else's objective is not a new team's to take;
- a new objective, KR, check-in or dependency never takes an id one of the others has;
- a dependency stores the type of each end (`okrtui_from_type`, `okrtui_to_type`), set here from
  what the writer sees, so its visibility follows the right table (an id reused in another
  table shows nothing).

Trigger functions run as the database's owner (they see every row: a lead's decisions, a
private objective naming a team) but can only fire as triggers, never be called. Who acts is
the session's login (persons cannot SET ROLE); the owner and roles that are not persons are
trusted (a move-in by the DBA). `install()` is rerun by every `okrtui admin init`.
"""

from __future__ import annotations

from sqlalchemy import text
from sqlalchemy.engine import Connection

# Every person's login is a direct member of okrtui_person (admin add-person); the DBA holds
# only the ADMIN option. A session of anyone else is not bound here: RLS still binds it.
_HEAD = """
CREATE OR REPLACE FUNCTION {s}.{name}() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, {s}, pg_temp AS $$
DECLARE
  -- pg_has_role's cached memberships (USAGE: not the DBA's ADMIN option alone); a superuser has every role
  person boolean := pg_has_role(session_user, '{group}', 'USAGE')
                    AND NOT (SELECT r.rolsuper FROM pg_roles r WHERE r.rolname = session_user);
  me text := COALESCE((SELECT l.person_id FROM {s}.okrtui_login l WHERE l.login = session_user),
                      'p-' || session_user);
  stamp text := to_char(clock_timestamp() AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"');
BEGIN
"""
_TAIL = "\nEND $$"

# Void the approvals of objective `obj` (a variable) and send it back to review if it is active,
# when its team asks for approval.
_REOPEN = """
  IF EXISTS (SELECT 1 FROM {s}.objective o JOIN {s}.team t ON t.id = o.team_id
             WHERE o.id = obj AND t.approval AND NOT t.deleted) THEN
    UPDATE {s}.decision SET deleted = true, updated_at = stamp
     WHERE subject_type = 'objective' AND subject_id = obj AND verdict = 'approved' AND NOT deleted;
    UPDATE {s}.objective SET status = 'in_review', submitted_at = stamp, updated_at = stamp
     WHERE id = obj AND status = 'active';
  END IF;
"""

OBJECTIVE = _HEAD.replace("BEGIN\n", "  approved boolean;\nBEGIN\n") + """
  IF NOT person OR NOT EXISTS (SELECT 1 FROM {s}.team t WHERE t.id = NEW.team_id AND t.approval AND NOT t.deleted)
  THEN RETURN NEW; END IF;
  IF NEW.status = 'active' AND (TG_OP = 'INSERT' OR OLD.status IS DISTINCT FROM 'active') THEN
    RAISE EXCEPTION 'objective % cannot be made active by its maker: team % asks for approval', NEW.id, NEW.team_id
      USING ERRCODE = 'check_violation',
            HINT = 'submit it (okrtui submit); the team''s lead approves it';
  END IF;
  IF TG_OP = 'UPDATE' AND (NEW.title, NEW.level, NEW.period_id, NEW.team_id)
                          IS DISTINCT FROM (OLD.title, OLD.level, OLD.period_id, OLD.team_id) THEN
    IF NEW.status = 'active' THEN
      NEW.status := 'in_review';
      NEW.submitted_at := stamp;
    END IF;
    UPDATE {s}.decision SET deleted = true, updated_at = stamp
     WHERE subject_type = 'objective' AND subject_id = NEW.id AND verdict = 'approved' AND NOT deleted;
  END IF;
  -- closed, archived: the end of an approved objective's life (a change of content above voided its approval)
  IF NEW.status IN ('closed', 'archived') AND (TG_OP = 'INSERT' OR OLD.status NOT IN ('closed', 'archived')) THEN
    approved := TG_OP = 'UPDATE' AND COALESCE((
      SELECT d.verdict = 'approved' FROM {s}.decision d JOIN {s}.team t ON t.id = NEW.team_id
       WHERE d.subject_type = 'objective' AND d.subject_id = NEW.id AND NOT d.deleted
         AND d.origin = COALESCE(t.lead_id, t.origin)
       ORDER BY d.updated_at DESC, d.id DESC LIMIT 1), false);
    IF NOT approved THEN
      RAISE EXCEPTION 'objective % cannot be made %: team % asks for approval, and its lead has not approved it as it is',
                      NEW.id, NEW.status, NEW.team_id
        USING ERRCODE = 'check_violation',
              HINT = 'submit it (okrtui submit); once the team''s lead approves it, it can be closed';
    END IF;
  END IF;
  RETURN NEW;""" + _TAIL

KEY_RESULT = _HEAD.replace("BEGIN\n", "  obj text;\nBEGIN\n") + """
  IF NOT person OR NOT EXISTS (SELECT 1 FROM {s}.objective o JOIN {s}.team t ON t.id = o.team_id
                               WHERE o.id IN (NEW.objective_id, OLD.objective_id) AND t.approval) THEN
    RETURN NULL;  -- no objective of a team that asks for approval: nothing to reopen
  END IF;
  IF TG_OP = 'UPDATE' AND (NEW.title, NEW.kind, NEW.start, NEW.target, NEW.low, NEW.high, NEW.unit, NEW.weight,
                           NEW.objective_id, NEW.deleted)
                          IS NOT DISTINCT FROM (OLD.title, OLD.kind, OLD.start, OLD.target, OLD.low, OLD.high,
                                                OLD.unit, OLD.weight, OLD.objective_id, OLD.deleted) THEN
    RETURN NULL;
  END IF;
  FOREACH obj IN ARRAY (CASE TG_OP WHEN 'INSERT' THEN ARRAY[NEW.objective_id]
                        ELSE ARRAY[NEW.objective_id, OLD.objective_id] END) LOOP
""" + _REOPEN + """
  END LOOP;
  RETURN NULL;""" + _TAIL

# A KR's owner history (okrtui.method.owners) is the database's to write: an update keeps the stored
# one whatever it says, and a change of owner appends (today, the new owner), after who answered up to
# then when it is the first. A person's new KR may bring one (a move-in carries the SQLite history) only
# in order, dated up to tomorrow, ending with its owner. The owner and roles that are not persons are
# trusted on insert, as by the other rules.
OWNER_HISTORY = _HEAD.replace("BEGIN\n", "  past jsonb;\n  bad boolean;\nBEGIN\n") + """
  IF TG_OP = 'INSERT' THEN
    IF NEW.owner_history IS NULL OR NOT person THEN RETURN NEW; END IF;
    BEGIN
      past := NEW.owner_history::jsonb;
    EXCEPTION WHEN others THEN
      past := 'null'::jsonb;
    END;
    bad := jsonb_typeof(past) IS DISTINCT FROM 'array' OR jsonb_array_length(past) = 0;
    IF NOT bad THEN
      bad := (past -> -1 ->> 'owner') IS DISTINCT FROM NEW.owner_id OR EXISTS (
        SELECT 1 FROM (SELECT e, e ->> 'from' AS f, lag(e ->> 'from') OVER (ORDER BY n) AS p
                       FROM jsonb_array_elements(past) WITH ORDINALITY x(e, n)) y
         WHERE jsonb_typeof(e) <> 'object' OR f IS NULL OR f !~ '^[0-9]{{4}}-[0-9]{{2}}-[0-9]{{2}}$' OR f < p
            OR f > (current_date + 1)::text
            OR jsonb_typeof(e -> 'owner') NOT IN ('string', 'null'));
    END IF;
    IF bad THEN
      RAISE EXCEPTION 'key result %: its owner history must list its owner changes oldest first, dated up to '
                      'tomorrow, ending with its owner', NEW.id
        USING ERRCODE = 'check_violation', HINT = 'leave owner_history out: the database records each change';
    END IF;
    RETURN NEW;
  END IF;
  NEW.owner_history := OLD.owner_history;
  IF NEW.owner_id IS DISTINCT FROM OLD.owner_id THEN
    past := COALESCE(OLD.owner_history::jsonb,
                     jsonb_build_array(jsonb_build_object('from', LEAST(left(OLD.created_at, 10), current_date::text),
                                                          'owner', OLD.owner_id)));
    NEW.owner_history := (past || jsonb_build_array(jsonb_build_object(
      'from', GREATEST(current_date::text, past -> -1 ->> 'from'), 'owner', NEW.owner_id)))::text;
  END IF;
  RETURN NEW;""" + _TAIL

DEPENDENCY = _HEAD + """
  IF TG_OP = 'UPDATE' AND (NEW.from_id, NEW.to_id, NEW.note) IS DISTINCT FROM (OLD.from_id, OLD.to_id, OLD.note) THEN
    UPDATE {s}.decision SET deleted = true, updated_at = stamp
     WHERE subject_type = 'dependency' AND subject_id = NEW.id AND NOT deleted;
  END IF;
  RETURN NULL;""" + _TAIL

TEAM = _HEAD + """
  IF person AND EXISTS (SELECT 1 FROM {s}.objective o WHERE o.team_id = NEW.id AND o.origin <> me) THEN
    RAISE EXCEPTION 'team % is already named by objectives of other people', NEW.id
      USING ERRCODE = 'check_violation',
            HINT = 'pick another team id, or ask whoever made those objectives to create it';
  END IF;
  RETURN NEW;""" + _TAIL

# An id names one record among those a comment, decision or dependency can point at: a person's
# new objective, KR, check-in or dependency never takes an id another of them has (the primary
# key's own "duplicate key" says no more than this does).
ONE_ID = _HEAD + """
  IF person AND ((TG_TABLE_NAME <> 'objective' AND EXISTS (SELECT 1 FROM {s}.objective x WHERE x.id = NEW.id))
      OR (TG_TABLE_NAME <> 'key_result' AND EXISTS (SELECT 1 FROM {s}.key_result x WHERE x.id = NEW.id))
      OR (TG_TABLE_NAME <> 'check_in' AND EXISTS (SELECT 1 FROM {s}.check_in x WHERE x.id = NEW.id))
      OR (TG_TABLE_NAME <> 'dependency' AND EXISTS (SELECT 1 FROM {s}.dependency x WHERE x.id = NEW.id))) THEN
    RAISE EXCEPTION 'id % is taken by another record', NEW.id USING ERRCODE = 'unique_violation';
  END IF;
  RETURN NEW;""" + _TAIL

# The type of each end of a dependency, as its writer sees it (so no hidden row decides it):
# a KR first, then an objective (okrtui.cycle.conversation.end_answerer's order). Runs as the writer.
END_TYPES = """
CREATE OR REPLACE FUNCTION {s}.okrtui_end_types() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog, {s}, pg_temp AS $$
BEGIN
  NEW.okrtui_from_type := CASE WHEN EXISTS (SELECT 1 FROM {s}.key_result k WHERE k.id = NEW.from_id) THEN 'key_result'
    WHEN EXISTS (SELECT 1 FROM {s}.objective o WHERE o.id = NEW.from_id) THEN 'objective' ELSE '' END;
  NEW.okrtui_to_type := CASE WHEN EXISTS (SELECT 1 FROM {s}.key_result k WHERE k.id = NEW.to_id) THEN 'key_result'
    WHEN EXISTS (SELECT 1 FROM {s}.objective o WHERE o.id = NEW.to_id) THEN 'objective' ELSE '' END;
  RETURN NEW;
END $$"""

END_TYPE_COLUMNS = ("okrtui_from_type", "okrtui_to_type")

# (function, body, table, timing and events)
TRIGGERS = (
    ("okrtui_rule_objective", OBJECTIVE, "objective", "BEFORE INSERT OR UPDATE"),
    ("okrtui_rule_key_result", KEY_RESULT, "key_result", "AFTER INSERT OR UPDATE"),
    ("okrtui_owner_history", OWNER_HISTORY, "key_result", "BEFORE INSERT OR UPDATE"),
    ("okrtui_rule_dependency", DEPENDENCY, "dependency", "AFTER UPDATE"),
    ("okrtui_rule_team", TEAM, "team", "BEFORE INSERT"),
    *(("okrtui_rule_one_id", ONE_ID, table, "BEFORE INSERT") for table in ("objective", "key_result", "check_in",
                                                                           "dependency")),
)


def typed(ref: str, type_column: str, s: str) -> str:
    """Whether the caller sees the record `ref` in the table its stored type names."""
    return (f"(CASE {type_column} WHEN 'objective' THEN EXISTS (SELECT 1 FROM {s}.objective v WHERE v.id = {ref}) "
            f"WHEN 'key_result' THEN EXISTS (SELECT 1 FROM {s}.key_result v WHERE v.id = {ref}) "
            f"WHEN 'check_in' THEN EXISTS (SELECT 1 FROM {s}.check_in v WHERE v.id = {ref}) ELSE false END)")


def end_type_columns(conn: Connection, s: str) -> None:
    """The dependency's end types (before the policies that read them): added once, and filled
    for the rows written before, as the owner sees them."""
    for column in END_TYPE_COLUMNS:
        conn.execute(text(f"ALTER TABLE {s}.dependency ADD COLUMN IF NOT EXISTS {column} text NOT NULL DEFAULT ''"))
    conn.execute(text(END_TYPES.format(s=s)))
    conn.execute(text(f"DROP TRIGGER IF EXISTS okrtui_end_types ON {s}.dependency"))
    conn.execute(text(f"CREATE TRIGGER okrtui_end_types BEFORE INSERT OR UPDATE OF from_id, to_id ON {s}.dependency "
                      f"FOR EACH ROW EXECUTE FUNCTION {s}.okrtui_end_types()"))
    conn.execute(text(f"UPDATE {s}.dependency SET from_id = from_id WHERE okrtui_from_type = '' OR okrtui_to_type = ''"))


def install(conn: Connection, s: str, group: str) -> list[str]:
    """(Re)write the rule triggers; idempotent. `s` is the schema as a quoted identifier, `group`
    the role every person is a member of."""
    for name, body, table, when in TRIGGERS:
        conn.execute(text(body.format(s=s, name=name, group=group)))
        conn.execute(text(f"REVOKE ALL ON FUNCTION {s}.{name}() FROM PUBLIC"))
        conn.execute(text(f"DROP TRIGGER IF EXISTS {name} ON {s}.{table}"))
        conn.execute(text(f"CREATE TRIGGER {name} {when} ON {s}.{table} FOR EACH ROW EXECUTE FUNCTION {s}.{name}()"))
    return ["approval, agreement, owner history and team rules hold as triggers"]
