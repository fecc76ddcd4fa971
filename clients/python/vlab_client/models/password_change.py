from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar

from attrs import define as _attrs_define

from ..types import UNSET, Unset

T = TypeVar("T", bound="PasswordChange")


@_attrs_define
class PasswordChange:
    """Change one's own password.

    Attributes:
        current_password (str):
        new_password (str):
        keep_tokens (bool | Unset): Keep your personal API tokens working (default: they are revoked
            with the old password). Login tokens and other sessions always end.
    """

    current_password: str
    new_password: str
    keep_tokens: bool | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        current_password = self.current_password

        new_password = self.new_password

        keep_tokens = self.keep_tokens

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "current_password": current_password,
                "new_password": new_password,
            }
        )
        if keep_tokens is not UNSET:
            field_dict["keep_tokens"] = keep_tokens

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        current_password = d.pop("current_password")

        new_password = d.pop("new_password")

        keep_tokens = d.pop("keep_tokens", UNSET)

        password_change = cls(
            current_password=current_password,
            new_password=new_password,
            keep_tokens=keep_tokens,
        )

        return password_change
