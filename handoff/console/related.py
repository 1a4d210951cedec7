"""Related cases: complaints naming the same employer or brand, found without storing names.

A name is normalised (Traditional → Simplified, full-width → half-width, no spacing or
punctuation, lower case, legal-form suffixes such as 有限公司 / 公司 / 厂 dropped) and kept only
as HMAC-SHA256 under the organisation's index key (:class:`CaseIndex`). The index key is
sealed to the organisation, so the digests mean nothing to anyone without a member's login,
and the same name gives different digests in different organisations.

Rows are made the first time a member's session lists or opens a case: that is the first
moment anything can decrypt it. A case that names nothing gets one marker row, so it is not
decrypted again on every listing.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import re
import threading
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import and_, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, aliased

from handoff.cases.models import Case
from handoff.console.staff import Staff
from handoff.console_models import CaseIndex
from handoff.keys.boxes import BoxOpenError, unseal
from handoff.orgs.models import Organisation
from handoff.places import normalize_place_text

EMPLOYER = "employer"
BRAND = "brand"
NAME_KINDS = (EMPLOYER, BRAND)
# The case was read and names neither an employer nor a brand.
INDEXED_MARKER = "none"

# Longest first, so 有限公司 goes before 公司. Dropped repeatedly from the end, so
# "某某电子厂有限公司" and "某某电子" meet.
_LEGAL_SUFFIXES = (
    "股份有限公司",
    "有限责任公司",
    "集团有限公司",
    "有限公司",
    "分公司",
    "总公司",
    "公司",
    "工厂",
    "厂",
    "co.,ltd",
    "co.ltd",
    "coltd",
    "ltd",
    "inc",
    "limited",
)
_NOISE = re.compile(r"[\s\u3000·•.,，。、()（）\[\]【】<>《》\"'“”‘’!！?？:：;；\-_~]+")
_BRAND_SEPARATORS = re.compile(r"[、,，/／;；|｜+＋&]+|\s+和\s+|\s+and\s+")
_MAX_BRANDS = 10


def normalise_name(text: str) -> str:
    """The form two spellings of one employer or brand share ("" when nothing is left)."""
    folded = _NOISE.sub("", normalize_place_text(text).lower())
    stripped = True
    while stripped and folded:
        stripped = False
        for suffix in _LEGAL_SUFFIXES:
            if folded.endswith(suffix) and len(folded) > len(suffix):
                folded = folded[: -len(suffix)]
                stripped = True
                break
    return folded


def brand_names(text: str) -> list[str]:
    """The brands a worker listed in one answer ("耐克、阿迪达斯"), normalised, deduplicated."""
    names = [normalise_name(part) for part in _BRAND_SEPARATORS.split(text)]
    return list(dict.fromkeys(n for n in names if n))[:_MAX_BRANDS]


def name_digest(index_key: bytes, kind: str, normalised: str) -> str:
    """HMAC-SHA256 of a normalised name under the organisation's index key."""
    message = f"{kind}\x1f{normalised}".encode()
    return hmac.new(index_key, message, hashlib.sha256).hexdigest()


def names_in(content: Mapping[str, Any]) -> dict[str, list[str]]:
    """Normalised employer and brand names from a case's decrypted content."""
    answers = content.get("answers") or {}
    employer = answers.get("employer")
    brands = answers.get("brands")
    found: dict[str, list[str]] = {EMPLOYER: [], BRAND: []}
    if isinstance(employer, str) and (name := normalise_name(employer)):
        found[EMPLOYER].append(name)
    if isinstance(brands, str):
        found[BRAND] = brand_names(brands)
    return found


def digests_in(content: Mapping[str, Any], index_key: bytes) -> list[tuple[str, str]]:
    """(kind, digest) pairs for a case's content."""
    return [
        (kind, name_digest(index_key, kind, name))
        for kind, names in names_in(content).items()
        for name in names
    ]


def org_index_key(session: Session, staff: Staff) -> bytes:
    """The organisation's index key: from the login, else opened with the organisation key."""
    if staff.index_key is not None:
        return staff.index_key
    org = session.get(Organisation, staff.org_id)
    if org is None:
        raise LookupError(staff.org_id)
    return unseal(staff.org_key, org.index_key_sealed)


def _decode_content(staff: Staff, sealed: bytes) -> dict[str, Any] | None:
    try:
        value = json.loads(unseal(staff.org_key, sealed).decode("utf-8"))
    except (BoxOpenError, ValueError):
        return None
    return value if isinstance(value, dict) else None


OrgShape = tuple[int, object, int]


def org_shape(session: Session, org_id: str) -> OrgShape:
    """(cases, newest filing time, spam cases) of an organisation, from one small index: it
    changes whenever a case is filed, deleted or marked spam."""
    row = session.execute(
        select(
            func.count(),
            func.max(Case.created_at),
            func.count().filter(Case.status == "spam"),
        ).where(Case.org_id == org_id)
    ).one()
    return int(row[0]), row[1], int(row[2])


class _Checked:
    """Per organisation, the shape (:func:`org_shape`) this process last saw fully indexed.
    The shape reads one small index; looking for cases without digests reads two, so a
    listing does the second only when cases came or went."""

    def __init__(self) -> None:
        self._seen: dict[str, OrgShape] = {}
        self._lock = threading.Lock()

    def unchanged(self, org_id: str, shape: OrgShape) -> bool:
        with self._lock:
            return self._seen.get(org_id) == shape

    def remember(self, org_id: str, shape: OrgShape) -> None:
        with self._lock:
            self._seen[org_id] = shape


_checked = _Checked()


def ensure_indexed(
    session: Session,
    staff: Staff,
    case_ids: Iterable[str] | None = None,
    *,
    shape: OrgShape | None = None,
) -> int:
    """Make index rows for the organisation's cases that have none (all, or those given).

    Returns how many cases were decrypted to do it (for the audit log). Safe when two
    processes race: the unique constraint keeps one copy; the loser starts again and finds
    those cases done.
    """
    wanted = None if case_ids is None else list(case_ids)
    if wanted is not None and not wanted:
        return 0
    if wanted is None and shape is None:
        shape = org_shape(session, staff.org_id)
    if wanted is not None:
        shape = None
    if shape is not None and _checked.unchanged(staff.org_id, shape):
        return 0
    try:
        decrypted = _index_missing(session, staff, wanted)
    except IntegrityError:
        session.rollback()
        decrypted = _index_missing(session, staff, wanted)
    if shape is not None:
        _checked.remember(staff.org_id, shape)
    return decrypted


def _index_missing(session: Session, staff: Staff, wanted: list[str] | None) -> int:
    has_rows = select(CaseIndex.id).where(CaseIndex.case_id == Case.id).exists()
    query = select(Case.id, Case.content_for_org).where(Case.org_id == staff.org_id, ~has_rows)
    if wanted is not None:
        query = query.where(Case.id.in_(wanted))
    missing = session.execute(query).all()
    if not missing:
        return 0
    index_key = org_index_key(session, staff)
    decrypted = 0
    for case_id, sealed in missing:
        content = _decode_content(staff, sealed)
        if content is None:
            continue  # sealed to a key this login does not hold; leave it for later
        decrypted += 1
        pairs = digests_in(content, index_key) or [(INDEXED_MARKER, "")]
        session.add_all(
            CaseIndex(case_id=case_id, org_id=staff.org_id, kind=kind, digest=digest)
            for kind, digest in dict.fromkeys(pairs)
        )
    session.commit()
    return decrypted


@dataclass(frozen=True, slots=True)
class RelatedCase:
    """Another case of the organisation that names the same employer and/or brand
    (``kinds``: what it shares, employer first)."""

    case_id: str
    kinds: tuple[str, ...]
    status: str
    category: str
    province: str | None
    urgent: bool
    created_at: datetime


def related_cases(
    session: Session, org_id: str, case_id: str, limit: int = 20
) -> list[RelatedCase]:
    """Up to ``limit`` other cases sharing an employer or brand digest with ``case_id``, newest
    first (the queue's "same employer" filter lists them all)."""
    mine = aliased(CaseIndex)
    theirs = aliased(CaseIndex)
    rows = session.execute(
        select(
            Case.id,
            theirs.kind,
            Case.status,
            Case.category,
            Case.province,
            Case.urgent,
            Case.created_at,
        )
        .select_from(mine)
        .join(
            theirs,
            and_(
                theirs.digest == mine.digest,
                theirs.kind == mine.kind,
                theirs.org_id == org_id,
                theirs.case_id != case_id,
            ),
        )
        .join(Case, Case.id == theirs.case_id)
        .where(mine.case_id == case_id, mine.org_id == org_id, mine.kind.in_(NAME_KINDS))
        .distinct()
        .order_by(Case.created_at.desc(), Case.id, theirs.kind.desc())
        .limit(limit * len(NAME_KINDS))
    ).all()
    found: dict[str, RelatedCase] = {}
    for other, kind, status, category, province, urgent, created_at in rows:
        if other in found:
            kinds = (*found[other].kinds, kind)
            found[other] = RelatedCase(other, kinds, status, category, province, urgent, created_at)
        elif len(found) < limit:
            found[other] = RelatedCase(
                other, (kind,), status, category, province, urgent, created_at
            )
    return list(found.values())


def digest_case_counts(
    session: Session, org_id: str, kind: str, digests: set[str] | None = None
) -> dict[str, int]:
    """Cases (spam excluded) per digest of one kind: all the organisation's digests, or those
    given. Counted from the index alone, then the few spam cases taken off, because joining
    every index row to its case reads the wide case rows. A case holds a digest once (the
    unique constraint), so rows count cases."""
    where = [CaseIndex.org_id == org_id, CaseIndex.kind == kind]
    if digests is not None:
        if not digests:
            return {}
        where.append(CaseIndex.digest.in_(digests))
    totals = dict(
        session.execute(
            select(CaseIndex.digest, func.count()).where(*where).group_by(CaseIndex.digest)
        ).all()
    )
    spam = session.execute(
        select(CaseIndex.digest, func.count())
        .join(Case, Case.id == CaseIndex.case_id)
        .where(*where, Case.org_id == org_id, Case.status == "spam")
        .group_by(CaseIndex.digest)
    ).all()
    for digest, count in spam:
        totals[digest] -= count
    return {digest: int(count) for digest, count in totals.items() if count > 0}


class DigestCounts:
    """:func:`digest_case_counts` of every digest of an organisation, kept per kind while the
    organisation's shape (:func:`org_shape`) is unchanged, for at most ``ttl_seconds``. The
    queue needs them on every listing (shared employers, related counts); they change only
    when cases come, go or turn out to be spam."""

    def __init__(
        self, ttl_seconds: float = 60.0, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self._ttl = ttl_seconds
        self._clock = clock
        self._kept: dict[tuple[str, str], tuple[OrgShape, float, dict[str, int]]] = {}
        self._lock = threading.Lock()

    def get(self, session: Session, org_id: str, kind: str, shape: OrgShape) -> dict[str, int]:
        """The counts for ``shape``, made again when it changed or they are too old."""
        with self._lock:
            kept = self._kept.get((org_id, kind))
        if kept is not None and kept[0] == shape and self._clock() - kept[1] < self._ttl:
            return kept[2]
        counts = digest_case_counts(session, org_id, kind)
        with self._lock:
            self._kept[(org_id, kind)] = (shape, self._clock(), counts)
        return counts


digest_counts = DigestCounts()


def related_counts(
    session: Session, org_id: str, statuses: dict[str, str], per_digest: dict[str, int]
) -> dict[str, int]:
    """For each case (id → status), how many other cases (not spam) name the same employer,
    given the organisation's employer counts (:class:`DigestCounts`)."""
    if not statuses:
        return {}
    mine = session.execute(
        select(CaseIndex.case_id, CaseIndex.digest).where(
            CaseIndex.case_id.in_(list(statuses)),
            CaseIndex.org_id == org_id,
            CaseIndex.kind == EMPLOYER,
        )
    ).all()
    # A case names at most one employer, so the others are its digest's cases but itself.
    counts = {
        case_id: per_digest.get(digest, 0) - (0 if statuses[case_id] == "spam" else 1)
        for case_id, digest in mine
    }
    return {case_id: count for case_id, count in counts.items() if count > 0}


def digest_filter(session: Session, staff: Staff, kind: str, name: str) -> str | None:
    """The digest a typed employer or brand name filters on (None when it normalises away)."""
    normalised = normalise_name(name)
    if not normalised:
        return None
    return name_digest(org_index_key(session, staff), kind, normalised)
