from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar, cast

from attrs import define as _attrs_define

from ..models.action import Action
from ..types import UNSET, Unset

T = TypeVar("T", bound="StateChangeRequest")


@_attrs_define
class StateChangeRequest:
    """A lifecycle request.

    Attributes:
        action (Action): What a user can ask of a VM.
        force (bool | None | Unset): With `shutdown`: power off at once if the guest has not after `timeout`.
        timeout (int | None | Unset): Seconds to wait for a graceful shutdown (default 30, at most 600).
    """

    action: Action
    force: bool | None | Unset = UNSET
    timeout: int | None | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        action = self.action.value

        force: bool | None | Unset
        if isinstance(self.force, Unset):
            force = UNSET
        else:
            force = self.force

        timeout: int | None | Unset
        if isinstance(self.timeout, Unset):
            timeout = UNSET
        else:
            timeout = self.timeout

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "action": action,
            }
        )
        if force is not UNSET:
            field_dict["force"] = force
        if timeout is not UNSET:
            field_dict["timeout"] = timeout

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        action = Action(d.pop("action"))

        def _parse_force(data: object) -> bool | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(bool | None | Unset, data)

        force = _parse_force(d.pop("force", UNSET))

        def _parse_timeout(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        timeout = _parse_timeout(d.pop("timeout", UNSET))

        state_change_request = cls(
            action=action,
            force=force,
            timeout=timeout,
        )

        return state_change_request
