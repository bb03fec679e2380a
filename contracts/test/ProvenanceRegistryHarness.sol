// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.28;

import {ProvenanceRegistry} from "../ProvenanceRegistry.sol";

/// @dev Test harness: lets tests move the registry's clock to check deadlines and timestamps.
contract ProvenanceRegistryHarness is ProvenanceRegistry {
    uint64 private _timeOverride;

    constructor(address admin) ProvenanceRegistry(admin) {}

    function setTime(uint64 time) external {
        _timeOverride = time;
    }

    function _time() internal view override returns (uint64) {
        return _timeOverride == 0 ? super._time() : _timeOverride;
    }
}
