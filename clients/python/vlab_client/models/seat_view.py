from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

T = TypeVar("T", bound="SeatView")


@_attrs_define
class SeatView:
    """One student's place in a lab, for the class wall.

    Attributes:
        cpu_recent (list[float]): The VM's CPU (percent of one host core) at each sample of the last
            five minutes, oldest first; empty when it did not run.
        display_name (str):
        user_id (int):
        username (str):
        last_activity (None | str | Unset): Last console use or start, RFC 3339.
        state (None | str | Unset):
        vm_id (int | None | Unset):
    """

    cpu_recent: list[float]
    display_name: str
    user_id: int
    username: str
    last_activity: None | str | Unset = UNSET
    state: None | str | Unset = UNSET
    vm_id: int | None | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        cpu_recent = self.cpu_recent

        display_name = self.display_name

        user_id = self.user_id

        username = self.username

        last_activity: None | str | Unset
        if isinstance(self.last_activity, Unset):
            last_activity = UNSET
        else:
            last_activity = self.last_activity

        state: None | str | Unset
        if isinstance(self.state, Unset):
            state = UNSET
        else:
            state = self.state

        vm_id: int | None | Unset
        if isinstance(self.vm_id, Unset):
            vm_id = UNSET
        else:
            vm_id = self.vm_id

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "cpu_recent": cpu_recent,
                "display_name": display_name,
                "user_id": user_id,
                "username": username,
            }
        )
        if last_activity is not UNSET:
            field_dict["last_activity"] = last_activity
        if state is not UNSET:
            field_dict["state"] = state
        if vm_id is not UNSET:
            field_dict["vm_id"] = vm_id

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        cpu_recent = cast(list[float], d.pop("cpu_recent"))

        display_name = d.pop("display_name")

        user_id = d.pop("user_id")

        username = d.pop("username")

        def _parse_last_activity(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        last_activity = _parse_last_activity(d.pop("last_activity", UNSET))

        def _parse_state(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        state = _parse_state(d.pop("state", UNSET))

        def _parse_vm_id(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        vm_id = _parse_vm_id(d.pop("vm_id", UNSET))

        seat_view = cls(
            cpu_recent=cpu_recent,
            display_name=display_name,
            user_id=user_id,
            username=username,
            last_activity=last_activity,
            state=state,
            vm_id=vm_id,
        )

        seat_view.additional_properties = d
        return seat_view

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
