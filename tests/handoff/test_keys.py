"""Receipts, member keys, grants and the recovery key; the production Argon2id cost is pinned."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from handoff.keys.argon import (
    PRODUCTION_PROFILE,
    RECEIPT_PROFILE,
    TEST_PROFILE,
    Argon2Profile,
    slow_hash_slots,
)
from handoff.keys.boxes import BoxOpenError, new_private_key, seal, unseal
from handoff.keys.members import (
    grant,
    new_member_key,
    new_recovery_key,
    open_grant,
    open_with_recovery,
    unwrap_with_password,
    wrap_for_recovery,
)
from handoff.keys.receipts import format_receipt, new_receipt, normalize_receipt, receipt_keys
from handoff.settings import HandoffSettings


def test_production_cost_is_pinned() -> None:
    assert Argon2Profile(time_cost=3, memory_kib=65536, parallelism=1) == PRODUCTION_PROFILE
    assert HandoffSettings().argon2 == PRODUCTION_PROFILE
    assert HandoffSettings().receipt_argon2 == RECEIPT_PROFILE
    assert RECEIPT_PROFILE.memory_kib >= 19456 and RECEIPT_PROFILE.time_cost >= 2  # OWASP floor
    assert slow_hash_slots() >= 1


def test_receipts_are_16_digits_and_read_back_however_typed() -> None:
    receipt = new_receipt()
    assert len(receipt) == 16 and receipt.isdigit()
    shown = format_receipt(receipt)
    for typed in (
        shown,
        receipt,
        shown.replace(" ", "-"),
        "".join(chr(ord(c) + 0xFEE0) if c.isdigit() else c for c in shown),
    ):
        assert normalize_receipt(typed) == receipt
    assert normalize_receipt("1234 5678") is None
    assert normalize_receipt("1234 5678 9012 345x") is None


@given(st.text(max_size=40))
def test_normalize_never_raises(text: str) -> None:
    result = normalize_receipt(text)
    assert result is None or (len(result) == 16 and result.isdigit())


def test_receipt_keys_are_stable_per_salt_and_distinct() -> None:
    a = receipt_keys("1" * 16, b"s" * 16, TEST_PROFILE)
    assert a == receipt_keys("1" * 16, b"s" * 16, TEST_PROFILE)
    assert a.lookup_id != receipt_keys("1" * 16, b"t" * 16, TEST_PROFILE).lookup_id
    assert a.lookup_id != a.wrap_key.hex()


def test_member_key_opens_only_with_its_password() -> None:
    private, wrapped = new_member_key("a good long password", TEST_PROFILE)
    assert bytes(unwrap_with_password(wrapped, "a good long password", TEST_PROFILE)) == bytes(
        private
    )
    with pytest.raises(BoxOpenError):
        unwrap_with_password(wrapped, "wrong password!!", TEST_PROFILE)


def test_grant_and_recovery_open_the_organisation_key() -> None:
    org = new_private_key()
    member = new_private_key()
    sealed = grant(org, bytes(member.public_key))
    assert bytes(open_grant(member, sealed)) == bytes(org)
    recovery = new_recovery_key()
    assert bytes(open_with_recovery(wrap_for_recovery(org, recovery), recovery)) == bytes(org)
    with pytest.raises(BoxOpenError):
        open_grant(new_private_key(), sealed)


def test_sealed_box_round_trip() -> None:
    key = new_private_key()
    assert unseal(key, seal(key.public_key, "内容".encode())) == "内容".encode()
