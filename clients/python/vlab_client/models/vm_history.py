from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.history_point import HistoryPoint


T = TypeVar("T", bound="VmHistory")


@_attrs_define
class VmHistory:
    """A VM's history at `step_secs` from `from` to `to`.

    Attributes:
        from_ (str): RFC 3339.
        points (list[HistoryPoint]): Oldest first; a step with no sample (the VM was off) has no point.
        step_secs (int):
        to (str):
        vm_id (int):
    """

    from_: str
    points: list[HistoryPoint]
    step_secs: int
    to: str
    vm_id: int
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        from_ = self.from_

        points = []
        for points_item_data in self.points:
            points_item = points_item_data.to_dict()
            points.append(points_item)

        step_secs = self.step_secs

        to = self.to

        vm_id = self.vm_id

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "from": from_,
                "points": points,
                "step_secs": step_secs,
                "to": to,
                "vm_id": vm_id,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.history_point import HistoryPoint

        d = dict(src_dict)
        from_ = d.pop("from")

        points = []
        _points = d.pop("points")
        for points_item_data in _points:
            points_item = HistoryPoint.from_dict(points_item_data)

            points.append(points_item)

        step_secs = d.pop("step_secs")

        to = d.pop("to")

        vm_id = d.pop("vm_id")

        vm_history = cls(
            from_=from_,
            points=points,
            step_secs=step_secs,
            to=to,
            vm_id=vm_id,
        )

        vm_history.additional_properties = d
        return vm_history

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
