"""Every Redis key prefix in one place.

Keys never hold an openid or any other personal value: callers pass a
`subject` — a keyed hash of the sender made by `PersonalDataCipher` — so a
dump of Redis names no villager.
"""
from __future__ import annotations

PREFIX = "qf"


def registry_version() -> str:
    """Bumped by every registry import: each process reloads its cached registry when it changes."""
    return f"{PREFIX}:registry:version"


def staff_bindings_version() -> str:
    """Bumped by every new staff binding: each process reloads its list of bound staff when it changes
    (bot.dispatch.sender.StaffDirectory), so a villager's message needs no database look-up to say "not staff"."""
    return f"{PREFIX}:staff:bindings-version"


def nlp_files_version() -> str:
    """The newest saved classifier file (operator_model_file id): each process reloads when it grows."""
    return f"{PREFIX}:nlp:files-version"


def fsm_state(bot: str, chat: str, subject: str) -> str:
    return f"{PREFIX}:fsm:{bot}:{chat}:{subject}"


def fsm_marker(bot: str, chat: str, subject: str) -> str:
    """Outlives the state so an expired flow can be told to the villager."""
    return f"{PREFIX}:fsm-active:{bot}:{chat}:{subject}"


def fsm_lock(bot: str, chat: str, subject: str) -> str:
    return f"{PREFIX}:lock:fsm:{bot}:{chat}:{subject}"


def inbound_dedup(channel: str, message_key: str) -> str:
    return f"{PREFIX}:dedup:{channel}:{message_key}"


def rate(bucket: str, subject: str, window: int) -> str:
    return f"{PREFIX}:rate:{bucket}:{subject}:{window}"


def access_token(api: str, appid: str) -> str:
    return f"{PREFIX}:token:{api}:{appid}"


def access_token_lock(api: str, appid: str) -> str:
    return f"{PREFIX}:lock:token:{api}:{appid}"


def api_session(token_hash: str) -> str:
    return f"{PREFIX}:apisession:{token_hash}"


def binding_code(code: str) -> str:
    return f"{PREFIX}:bindcode:{code}"


def admin_session(sid_hash: str) -> str:
    return f"{PREFIX}:admin:session:{sid_hash}"


def login_failures(subject: str) -> str:
    return f"{PREFIX}:admin:loginfail:{subject}"


def last_seen(subject: str) -> str:
    """When the villager last wrote to us: the 48 h customer-service window."""
    return f"{PREFIX}:lastseen:{subject}"


def api_upload(token_hash: str) -> str:
    """Mini-program: a one-report upload token (hashed) -> the case its attachments go to."""
    return f"{PREFIX}:apiupload:{token_hash}"


def api_similar(token_hash: str) -> str:
    """Mini-program: a similar case offered for 附议, named to the caller by an opaque token only."""
    return f"{PREFIX}:apisimilar:{token_hash}"


def api_lookups(subject: str) -> str:
    """Mini-program: the ID last looked up in this session (its keyed hash, sealed), for 谁查过我."""
    return f"{PREFIX}:apilookups:{subject}"


def api_follow(case_id: int, subject: str) -> str:
    """Mini-program: one 附议 per villager and case (`subject` is a keyed hash)."""
    return f"{PREFIX}:apifollow:{case_id}:{subject}"


def case_filer(case_id: int) -> str:
    """Who filed a case, as keyed digests of the sender (匿名 too, for a while): one person's reports never
    make a 意见集中 cluster by themselves (handlers/cases/linking.py). Never the openid."""
    return f"{PREFIX}:casefiler:{case_id}"


def compare_run_lock() -> str:
    """One comparison run at a time (after an import and on demand may overlap)."""
    return f"{PREFIX}:lock:compare:run"


def worklist_counts(scope: str) -> str:
    """The panel header's worklist counts of one scope (role:code), for a few seconds (admin/worklist.py)."""
    return f"{PREFIX}:admin:worklist:{scope}"


def compare_job() -> str:
    """The comparison run started from the panel: its progress and result (JSON: no personal data)."""
    return f"{PREFIX}:compare:job"


ARQ_QUEUE = f"{PREFIX}:arq:queue"


def lifecycle_sweep_lock() -> str:
    """One deadline sweep at a time across workers."""
    return f"{PREFIX}:lock:lifecycle:sweep"


def subsidy_failures(scope: str, subject: str) -> str:
    """Failed subsidy lookups in the last hour, per sender or per ID (`subject`: a keyed hash, never the ID)."""
    return f"{PREFIX}:subsidy:fail:{scope}:{subject}"


def subsidy_tries(subject: str) -> str:
    """All subsidy lookups of one sender in the last hour."""
    return f"{PREFIX}:subsidy:tries:{subject}"


def admin_stats(scope: str) -> str:
    """The panel dashboard's figures for one scope (role:code), cached for a minute."""
    return f"{PREFIX}:admin:stats:{scope}"


def totp_used(staff_id: int, code_hash: str) -> str:
    """A TOTP code already spent by this account (kept while the code is valid): a code works once."""
    return f"{PREFIX}:admin:totpused:{staff_id}:{code_hash}"


def login_slowdown(subject: str) -> str:
    """Failed sign-ins of one account from every address: they slow its sign-in down, never lock it."""
    return f"{PREFIX}:admin:loginslow:{subject}"


def publication_version(area: str) -> str:
    """Bumped when the county changes a published list (powers): every process reloads its copy."""
    return f"{PREFIX}:publication:version:{area}"


def audit_anchor() -> str:
    """The audit chain's head (id, hash) kept outside the table, so a truncation is seen."""
    return f"{PREFIX}:audit:anchor"


def scanned_village(subject: str) -> str:
    """The village whose QR code (码上监督) the villager scanned last: the place of their next report."""
    return f"{PREFIX}:scanvillage:{subject}"


def village_qr_ticket(village: str) -> str:
    """The ticket of a village's permanent QR code (WeChat allows 100,000 of them: made once, kept)."""
    return f"{PREFIX}:qrticket:{village}"


def pending_question(subject: str) -> str:
    """What the notices sent to one villager asked and they have not answered yet (cases to rate), sealed:
    their answer works whatever flow ran last (handlers.cases.pending)."""
    return f"{PREFIX}:pending:{subject}"


def filed_answer(subject: str) -> str:
    """The sealed answer to the sender's last filing, for the flow's idle time: typed again, it is shown again."""
    return f"{PREFIX}:filed:{subject}"


def inbound_backlog() -> str:
    """The stream of messages queued past the in-flight limit (bot.inbound_queue), each sealed."""
    return f"{PREFIX}:inbound:backlog"


def inbound_waiting(subject: str) -> str:
    """How many of the sender's messages wait in the backlog: their next ones queue behind them, in order."""
    return f"{PREFIX}:inbound:waiting:{subject}"


def api_dispute(token_hash: str) -> str:
    """Mini-program: one looked-up record that may be disputed (我没收到 / 金额不对), by an opaque one-use token."""
    return f"{PREFIX}:apidispute:{token_hash}"


def inbound_last(subject: str) -> str:
    """A keyed hash of the sender's last queued message: the same typed again while it waits is not queued twice."""
    return f"{PREFIX}:inbound:last:{subject}"
