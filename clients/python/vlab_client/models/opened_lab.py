from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.operation_view import OperationView
    from ..models.vm_view import VmView


T = TypeVar("T", bound="OpenedLab")


@_attrs_define
class OpenedLab:
    """What opening a lab did: the student's VM, started if it was not.

    Attributes:
        vm (VmView): A virtual machine.
        operation (None | OperationView | Unset):
    """

    vm: VmView
    operation: None | OperationView | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        from ..models.operation_view import OperationView

        vm = self.vm.to_dict()

        operation: dict[str, Any] | None | Unset
        if isinstance(self.operation, Unset):
            operation = UNSET
        elif isinstance(self.operation, OperationView):
            operation = self.operation.to_dict()
        else:
            operation = self.operation

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "vm": vm,
            }
        )
        if operation is not UNSET:
            field_dict["operation"] = operation

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.operation_view import OperationView
        from ..models.vm_view import VmView

        d = dict(src_dict)
        vm = VmView.from_dict(d.pop("vm"))

        def _parse_operation(data: object) -> None | OperationView | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                operation_type_1 = OperationView.from_dict(data)

                return operation_type_1
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | OperationView | Unset, data)

        operation = _parse_operation(d.pop("operation", UNSET))

        opened_lab = cls(
            vm=vm,
            operation=operation,
        )

        opened_lab.additional_properties = d
        return opened_lab

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
