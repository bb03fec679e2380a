// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.28;

import {IERC1271} from "@openzeppelin/contracts/interfaces/IERC1271.sol";
import {ECDSA} from "@openzeppelin/contracts/utils/cryptography/ECDSA.sol";

/**
 * @title ERC1271SignerMock
 * @notice Test-only contract account that accepts the ECDSA signatures of one key, to exercise the ERC-1271 path of
 * the registry's signed status changes.
 */
contract ERC1271SignerMock is IERC1271 {
    address private immutable _SIGNER;

    constructor(address signer) {
        _SIGNER = signer;
    }

    /// @inheritdoc IERC1271
    function isValidSignature(bytes32 hash, bytes calldata signature) external view returns (bytes4) {
        (address recovered, ECDSA.RecoverError err, ) = ECDSA.tryRecoverCalldata(hash, signature);
        return
            err == ECDSA.RecoverError.NoError && recovered == _SIGNER
                ? this.isValidSignature.selector
                : bytes4(0);
    }
}
