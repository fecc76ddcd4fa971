from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar

from attrs import define as _attrs_define

from ..types import UNSET, Unset

T = TypeVar("T", bound="PasswordReset")


@_attrs_define
class PasswordReset:
    """Admin sets a new password for a user.

    Attributes:
        new_password (str):
        keep_tokens (bool | Unset): Keep the user's personal API tokens working (default: revoked).
            Their sessions and login tokens always end.
    """

    new_password: str
    keep_tokens: bool | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        new_password = self.new_password

        keep_tokens = self.keep_tokens

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "new_password": new_password,
            }
        )
        if keep_tokens is not UNSET:
            field_dict["keep_tokens"] = keep_tokens

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        new_password = d.pop("new_password")

        keep_tokens = d.pop("keep_tokens", UNSET)

        password_reset = cls(
            new_password=new_password,
            keep_tokens=keep_tokens,
        )

        return password_reset
