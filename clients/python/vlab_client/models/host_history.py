from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.host_point import HostPoint


T = TypeVar("T", bound="HostHistory")


@_attrs_define
class HostHistory:
    """The host's history from `from` to `to` at `step_secs`.

    Attributes:
        from_ (str):
        node (str):
        points (list[HostPoint]): Oldest first; steps with no samples are left out.
        step_secs (int):
        to (str):
    """

    from_: str
    node: str
    points: list[HostPoint]
    step_secs: int
    to: str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        from_ = self.from_

        node = self.node

        points = []
        for points_item_data in self.points:
            points_item = points_item_data.to_dict()
            points.append(points_item)

        step_secs = self.step_secs

        to = self.to

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "from": from_,
                "node": node,
                "points": points,
                "step_secs": step_secs,
                "to": to,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.host_point import HostPoint

        d = dict(src_dict)
        from_ = d.pop("from")

        node = d.pop("node")

        points = []
        _points = d.pop("points")
        for points_item_data in _points:
            points_item = HostPoint.from_dict(points_item_data)

            points.append(points_item)

        step_secs = d.pop("step_secs")

        to = d.pop("to")

        host_history = cls(
            from_=from_,
            node=node,
            points=points,
            step_secs=step_secs,
            to=to,
        )

        host_history.additional_properties = d
        return host_history

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
