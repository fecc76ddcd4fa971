from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.user_view import UserView


T = TypeVar("T", bound="LoginGrant")


@_attrs_define
class LoginGrant:
    """Result of an API login: a bearer token, shown once.

    Attributes:
        expires_at (str): RFC 3339.
        token (str):
        token_type (str):
        user (UserView): A user as others see it. Never carries a password hash.
    """

    expires_at: str
    token: str
    token_type: str
    user: UserView
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        expires_at = self.expires_at

        token = self.token

        token_type = self.token_type

        user = self.user.to_dict()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "expires_at": expires_at,
                "token": token,
                "token_type": token_type,
                "user": user,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.user_view import UserView

        d = dict(src_dict)
        expires_at = d.pop("expires_at")

        token = d.pop("token")

        token_type = d.pop("token_type")

        user = UserView.from_dict(d.pop("user"))

        login_grant = cls(
            expires_at=expires_at,
            token=token,
            token_type=token_type,
            user=user,
        )

        login_grant.additional_properties = d
        return login_grant

    @property
    def additional_keys(self) -> list[str]:
        return list(self.additional_properties.keys())

    def __getitem__(self, key: str) -> Any:
        return self.additional_properties[key]

    def __setitem__(self, key: str, value: Any) -> None:
        self.additional_properties[key] = value

    def __delitem__(self, key: str) -> None:
        del self.additional_properties[key]

    def __contains__(self, key: str) -> bool:
        return key in self.additional_properties
