from __future__ import annotations

import pytest

from handoff.crypto import DecryptionError, Vault


def test_round_trip_chinese_text() -> None:
    vault = Vault("k" * 40)
    token = vault.encrypt("老板拖欠工资三个月，电话13800138000")
    assert vault.decrypt(token) == "老板拖欠工资三个月，电话13800138000"


def test_ciphertext_does_not_contain_plaintext_and_differs_each_time() -> None:
    vault = Vault("k" * 40)
    a, b = vault.encrypt("13800138000"), vault.encrypt("13800138000")
    assert a != b
    assert b"13800138000" not in a


def test_other_key_cannot_decrypt() -> None:
    token = Vault("a" * 40).encrypt("secret")
    with pytest.raises(DecryptionError):
        Vault("b" * 40).decrypt(token)


def test_tampering_is_detected() -> None:
    vault = Vault("k" * 40)
    token = bytearray(vault.encrypt("secret"))
    token[-5] ^= 1
    with pytest.raises(DecryptionError):
        vault.decrypt(bytes(token))


def test_rotation_keeps_old_data_readable() -> None:
    old = Vault("old" * 20)
    token = old.encrypt("旧数据")
    rotated = Vault("new" * 20, old_secrets=("old" * 20,))
    assert rotated.decrypt(token) == "旧数据"


def test_blind_index_is_stable_keyed_and_not_the_value() -> None:
    a, b = Vault("a" * 40), Vault("b" * 40)
    assert a.blind_index("telegram", "12345") == a.blind_index("telegram", "12345")
    assert a.blind_index("telegram", "12345") != b.blind_index("telegram", "12345")
    assert a.blind_index("telegram", "12345") != a.blind_index("telegram1", "2345")
    assert "12345" not in a.blind_index("telegram", "12345")
