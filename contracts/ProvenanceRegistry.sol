// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.28;

import {AccessControlDefaultAdminRules} from "@openzeppelin/contracts/access/extensions/AccessControlDefaultAdminRules.sol";
import {EIP712} from "@openzeppelin/contracts/utils/cryptography/EIP712.sol";
import {MerkleProof} from "@openzeppelin/contracts/utils/cryptography/MerkleProof.sol";
import {SignatureChecker} from "@openzeppelin/contracts/utils/cryptography/SignatureChecker.sol";
import {Nonces} from "@openzeppelin/contracts/utils/Nonces.sol";
import {IProvenanceRegistry} from "./IProvenanceRegistry.sol";

/**
 * @title ProvenanceRegistry
 * @notice Implementation of {IProvenanceRegistry}.
 */
contract ProvenanceRegistry is IProvenanceRegistry, AccessControlDefaultAdminRules, EIP712, Nonces {
    /// @inheritdoc IProvenanceRegistry
    bytes32 public constant ANCHORER_ROLE = keccak256("ANCHORER_ROLE");

    /// @inheritdoc IProvenanceRegistry
    bytes32 public constant CERTIFIER_ROLE = keccak256("CERTIFIER_ROLE");

    // solhint-disable gas-small-strings
    /// @inheritdoc IProvenanceRegistry
    bytes32 public constant CERTIFICATION_STATUS_TYPEHASH = keccak256(
        "CertificationStatusChange(bytes32 certHash,uint8 status,string reason,address certifier,uint256 nonce,uint256 deadline)"
    );
    // solhint-enable gas-small-strings

    mapping(bytes32 root => Anchor anchor) private _anchors;
    mapping(bytes32 root => bytes32 mapRoot) private _mapRoots;
    bytes32 private _latestWindowRoot;
    mapping(address account => Certifier certifier) private _certifiers;
    mapping(bytes32 certHash => mapping(address issuer => CertificationRecord record))
        private _certifications;

    /**
     * @dev Grants DEFAULT_ADMIN_ROLE to `admin` (a cold key or multisig), who registers certifiers and grants
     * ANCHORER_ROLE, and whose role moves to another account only `adminTransferDelay` seconds after the transfer
     * begins. Grants ANCHORER_ROLE to `anchorer`, the service's hot key, and nothing else.
     * Reverts with `AccessControlInvalidDefaultAdmin` for a zero `admin` and {ProvenanceRegistryZeroAddress} for a
     * zero `anchorer`.
     */
    constructor(
        address admin,
        uint48 adminTransferDelay,
        address anchorer
    ) AccessControlDefaultAdminRules(adminTransferDelay, admin) EIP712("ProvenanceRegistry", "1") {
        if (anchorer == address(0)) revert ProvenanceRegistryZeroAddress();
        _grantRole(ANCHORER_ROLE, anchorer);
    }

    /// @inheritdoc IProvenanceRegistry
    function anchorRoot(bytes32 root, uint32 leafCount) external onlyRole(ANCHORER_ROLE) {
        _anchor(root, leafCount, 0);
    }

    /// @inheritdoc IProvenanceRegistry
    function anchorWindow(
        bytes32 root,
        bytes32 mapRoot,
        uint32 leafCount,
        bytes32 previousRoot
    ) external onlyRole(ANCHORER_ROLE) {
        bytes32 latestRoot = _latestWindowRoot;
        if (previousRoot != latestRoot) revert ProvenanceRegistryWindowOutOfOrder(latestRoot, previousRoot);

        uint64 index = _anchors[latestRoot].window + 1;
        _anchor(root, leafCount, index);
        _mapRoots[root] = mapRoot;
        _latestWindowRoot = root;
        emit WindowAnchored(index, root, mapRoot, previousRoot);
    }

    /// @inheritdoc IProvenanceRegistry
    function latestWindow() external view returns (Window memory) {
        bytes32 root = _latestWindowRoot;
        return Window({index: _anchors[root].window, root: root, mapRoot: _mapRoots[root]});
    }

    /// @inheritdoc IProvenanceRegistry
    function mapRootOf(bytes32 root) external view returns (bytes32) {
        return _mapRoots[root];
    }

    /// @inheritdoc IProvenanceRegistry
    function registerCertifier(
        address certifier,
        string calldata name,
        bytes32 metadataHash
    ) external onlyRole(DEFAULT_ADMIN_ROLE) {
        if (certifier == address(0)) revert ProvenanceRegistryZeroAddress();
        if (_certifiers[certifier].active) revert ProvenanceRegistryCertifierAlreadyRegistered(certifier);

        _certifiers[certifier] = Certifier({
            name: name,
            metadataHash: metadataHash,
            registeredAt: _time(),
            active: true
        });
        _grantRole(CERTIFIER_ROLE, certifier);
        emit CertifierRegistered(certifier, name, metadataHash);
    }

    /// @inheritdoc IProvenanceRegistry
    function deregisterCertifier(address certifier) external onlyRole(DEFAULT_ADMIN_ROLE) {
        if (!_certifiers[certifier].active) revert ProvenanceRegistryCertifierNotRegistered(certifier);

        _certifiers[certifier].active = false;
        _revokeRole(CERTIFIER_ROLE, certifier);
        emit CertifierDeregistered(certifier);
    }

    /// @inheritdoc IProvenanceRegistry
    function issueCertification(bytes32 certHash) external {
        _issueCertification(certHash, _msgSender());
    }

    /// @inheritdoc IProvenanceRegistry
    function issueCertificationBySig(bytes32 certHash, address certifier, bytes calldata signature) external {
        if (!SignatureChecker.isValidSignatureNowCalldata(certifier, certHash, signature)) {
            revert ProvenanceRegistryInvalidSignature(certifier);
        }
        _issueCertification(certHash, certifier);
    }

    /// @inheritdoc IProvenanceRegistry
    function revokeCertification(bytes32 certHash, string calldata reason) external {
        _changeCertificationStatus(certHash, CertificationStatus.Revoked, reason, _msgSender());
    }

    /// @inheritdoc IProvenanceRegistry
    function suspendCertification(bytes32 certHash, string calldata reason) external {
        _changeCertificationStatus(certHash, CertificationStatus.Suspended, reason, _msgSender());
    }

    /// @inheritdoc IProvenanceRegistry
    function reinstateCertification(bytes32 certHash, string calldata reason) external {
        _changeCertificationStatus(certHash, CertificationStatus.None, reason, _msgSender());
    }

    /// @inheritdoc IProvenanceRegistry
    function revokeCertificationBySig(
        bytes32 certHash,
        string calldata reason,
        address certifier,
        uint256 deadline,
        bytes calldata signature
    ) external {
        _checkSignedStatusChange(
            certHash,
            CertificationStatus.Revoked,
            reason,
            certifier,
            deadline,
            signature
        );
        _changeCertificationStatus(certHash, CertificationStatus.Revoked, reason, certifier);
    }

    /// @inheritdoc IProvenanceRegistry
    function setCertificationStatusBySig(
        bytes32 certHash,
        CertificationStatus status,
        string calldata reason,
        address certifier,
        uint256 deadline,
        bytes calldata signature
    ) external {
        _checkSignedStatusChange(certHash, status, reason, certifier, deadline, signature);
        _changeCertificationStatus(certHash, status, reason, certifier);
    }

    /// @inheritdoc IProvenanceRegistry
    function anchoredAt(bytes32 root) external view returns (uint256) {
        return _anchors[root].timestamp;
    }

    /// @inheritdoc IProvenanceRegistry
    function anchorOf(bytes32 root) external view returns (Anchor memory) {
        return _anchors[root];
    }

    /// @inheritdoc IProvenanceRegistry
    function verifyLeaf(bytes32 root, bytes32[] calldata proof, bytes32 leaf) external view returns (bool) {
        return _anchors[root].timestamp != 0 && MerkleProof.verifyCalldata(proof, root, leaf);
    }

    /// @inheritdoc IProvenanceRegistry
    function isCertifier(address account) public view returns (bool) {
        return _certifiers[account].active;
    }

    /// @inheritdoc IProvenanceRegistry
    function certifierOf(address account) external view returns (Certifier memory) {
        return _certifiers[account];
    }

    /// @inheritdoc IProvenanceRegistry
    function certificationOf(
        bytes32 certHash,
        address issuer
    ) external view returns (CertificationRecord memory) {
        return _certifications[certHash][issuer];
    }

    /// @inheritdoc IProvenanceRegistry
    function nonces(address owner) public view override(IProvenanceRegistry, Nonces) returns (uint256) {
        return super.nonces(owner);
    }

    /// @inheritdoc IProvenanceRegistry
    function domainSeparator() external view returns (bytes32) {
        return _domainSeparatorV4();
    }

    /// @dev Supports IProvenanceRegistry in addition to IAccessControlDefaultAdminRules, IAccessControl and IERC165.
    function supportsInterface(bytes4 interfaceId) public view override returns (bool) {
        return interfaceId == type(IProvenanceRegistry).interfaceId || super.supportsInterface(interfaceId);
    }

    /// @dev Current time for all stored and compared timestamps; virtual so that a test harness can move it.
    function _time() internal view virtual returns (uint64) {
        return uint64(block.timestamp);
    }

    /**
     * @dev Stores the anchor of `root` at window `index` (0: not a window) and emits {RootAnchored}. A root is
     * anchored once, whichever function anchors it, so a window's root cannot reappear under another index.
     */
    function _anchor(bytes32 root, uint32 leafCount, uint64 index) private {
        if (root == bytes32(0)) revert ProvenanceRegistryZeroRoot();
        if (leafCount == 0) revert ProvenanceRegistryZeroLeafCount();
        uint64 previous = _anchors[root].timestamp;
        if (previous != 0) revert ProvenanceRegistryRootAlreadyAnchored(root, previous);

        uint64 timestamp = _time();
        _anchors[root] = Anchor({
            timestamp: timestamp,
            blockNumber: uint64(block.number),
            leafCount: leafCount,
            window: index
        });
        emit RootAnchored(root, leafCount, timestamp, _msgSender());
    }

    /**
     * @dev Records `certifier` as the issuer of `certHash`, directly or by signature. `certifier` must be an active
     * registered certifier, so an issuance proves a registration at that time.
     */
    function _issueCertification(bytes32 certHash, address certifier) private {
        if (!isCertifier(certifier)) revert ProvenanceRegistryCertifierNotRegistered(certifier);
        if (certHash == bytes32(0)) revert ProvenanceRegistryZeroCertHash();
        CertificationRecord storage record = _certifications[certHash][certifier];
        if (record.issuedAt != 0) revert ProvenanceRegistryCertificationAlreadyIssued(certHash, certifier);

        uint64 issuedAt = _time();
        _certifications[certHash][certifier] = CertificationRecord({
            issuer: certifier,
            issuedAt: issuedAt,
            status: CertificationStatus.None,
            updatedAt: issuedAt
        });
        emit CertificationIssued(certHash, certifier, issuedAt);
    }

    /**
     * @dev Applies a status change made by `certifier`, directly or by signature, to its own issuance of
     * `certHash`: records are per issuer, so no other certifier can touch it. `certifier` must still be an active
     * registered certifier. Revocation is final; suspending requires not being suspended; reinstating (`status`
     * None) requires being suspended.
     */
    function _changeCertificationStatus(
        bytes32 certHash,
        CertificationStatus status,
        string calldata reason,
        address certifier
    ) private {
        if (!isCertifier(certifier)) revert ProvenanceRegistryCertifierNotRegistered(certifier);

        CertificationRecord storage record = _certifications[certHash][certifier];
        if (record.issuedAt == 0) revert ProvenanceRegistryCertificationNotIssued(certHash, certifier);
        CertificationStatus current = record.status;
        if (current == CertificationStatus.Revoked) revert ProvenanceRegistryCertificationRevoked(certHash);
        if (status == CertificationStatus.Suspended && current == CertificationStatus.Suspended) {
            revert ProvenanceRegistryCertificationAlreadySuspended(certHash);
        }
        if (status == CertificationStatus.None && current != CertificationStatus.Suspended) {
            revert ProvenanceRegistryCertificationNotSuspended(certHash);
        }

        record.status = status;
        record.updatedAt = _time();
        emit CertificationStatusChanged(certHash, certifier, status, reason);
    }

    /**
     * @dev Reverts unless `signature` is `certifier`'s EIP-712 signature of the status change with its next nonce,
     * relayed no later than `deadline`. Consumes the nonce.
     */
    function _checkSignedStatusChange(
        bytes32 certHash,
        CertificationStatus status,
        string calldata reason,
        address certifier,
        uint256 deadline,
        bytes calldata signature
    ) private {
        if (_time() > deadline) revert ProvenanceRegistrySignatureExpired(deadline);

        bytes32 structHash = keccak256(
            abi.encode(
                CERTIFICATION_STATUS_TYPEHASH,
                certHash,
                uint8(status),
                keccak256(bytes(reason)),
                certifier,
                _useNonce(certifier),
                deadline
            )
        );
        bytes32 digest = _hashTypedDataV4(structHash);
        if (!SignatureChecker.isValidSignatureNowCalldata(certifier, digest, signature)) {
            revert ProvenanceRegistryInvalidSignature(certifier);
        }
    }
}
