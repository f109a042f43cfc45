"""Coral's request signatures: any element may match, everything else is refused."""

from __future__ import annotations

import hashlib
import hmac

from hypothesis import given
from hypothesis import strategies as st

from netiquette.compat.signature import sign, verify

BODY = b'{"action":"NEW","comment":{"body":"Hallo"}}'
SECRET = "whsec_test_0123456789"


def test_signature_is_hex_hmac_sha256_of_the_raw_body() -> None:
    expected = hmac.new(SECRET.encode(), BODY, hashlib.sha256).hexdigest()
    assert sign(BODY, SECRET) == f"sha256={expected}"
    assert verify(BODY, f"sha256={expected}", SECRET)


def test_any_element_of_a_rotated_header_may_match() -> None:
    old = sign(BODY, "the-old-secret")
    new = sign(BODY, SECRET)
    assert verify(BODY, f"{old},{new}", SECRET)
    assert verify(BODY, f"{new}, {old}", SECRET)
    assert verify(BODY, f"{old},{new}", "the-old-secret")


def test_wrong_missing_or_malformed_signatures_are_refused() -> None:
    good = sign(BODY, SECRET)
    assert not verify(BODY, None, SECRET)
    assert not verify(BODY, "", SECRET)
    assert not verify(BODY, sign(BODY, "another-secret"), SECRET)
    assert not verify(BODY + b" ", good, SECRET)  # the raw body, byte for byte
    assert not verify(BODY, good.removeprefix("sha256="), SECRET)
    assert not verify(BODY, "sha1=" + good.removeprefix("sha256="), SECRET)
    assert not verify(BODY, "sha256=ü, ,,", SECRET)


def test_an_unset_secret_verifies_nothing() -> None:
    assert not verify(BODY, sign(BODY, ""), "")


def test_upper_case_hex_is_the_same_signature() -> None:
    assert verify(BODY, sign(BODY, SECRET).upper().replace("SHA256=", "sha256="), SECRET)


@given(st.binary(max_size=200), st.text(min_size=1, max_size=40))
def test_sign_and_verify_agree(body: bytes, secret: str) -> None:
    assert verify(body, sign(body, secret), secret)
    assert not verify(body, sign(body, secret + "x"), secret)
