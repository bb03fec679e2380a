// SPDX-License-Identifier: Apache-2.0
// solhint-disable-next-line compiler-version
pragma solidity ^0.8.20;

/**
 * @title IProvenanceRegistry
 * @notice Anchors Merkle roots of EcoTrace event hashes and records the certifications that registered certifiers
 * issue, with their status. Anyone can check that an event hash was anchored with {verifyLeaf}, and with
 * {certificationOf} that a certification was issued by the certifier it names and whether that certifier suspended
 * or revoked it. Records are kept per (certHash, issuer): only the issuer changes the status of its issuance, as in
 * EAS only the original attester revokes, so no other certifier can claim, suspend or revoke it.
 *
 * @dev The admin (DEFAULT_ADMIN_ROLE, a cold key or multisig) registers certifiers and grants ANCHORER_ROLE; it is
 * transferred in two steps with a delay (OpenZeppelin AccessControlDefaultAdminRules). The service's hot key holds
 * only ANCHORER_ROLE. Issuance and status changes can be signed off-chain by a certifier (an EOA, or a contract
 * through ERC-1271) and relayed by anyone, without any role. An issuance signature is the certifier's signature of
 * certHash itself, which is the EIP-712 digest of the certification it signs (domain "EcoTrace Certification").
 * Status changes are EIP-712 messages of this registry: the domain is name "ProvenanceRegistry", version "1",
 * the chain id and the registry address; the signed struct is
 * `CertificationStatusChange(bytes32 certHash,uint8 status,string reason,address certifier,uint256 nonce,uint256 deadline)`
 * with `reason` encoded as `keccak256(bytes(reason))` and `nonce` equal to {nonces}(certifier).
 */
interface IProvenanceRegistry {
    /**
     * @notice Record of an anchored root, packed in one storage slot: `timestamp` is the block time of anchoring,
     * `blockNumber` the block it was anchored in, `leafCount` the number of event hashes the tree covers and
     * `window` its position in the window history (1, 2, ...; 0 for a root anchored alone with {anchorRoot}, which
     * commits to no ledger map). All fields are zero for a root that was never anchored.
     */
    struct Anchor {
        uint64 timestamp;
        uint64 blockNumber;
        uint32 leafCount;
        uint64 window;
    }

    /**
     * @notice The newest anchoring window: its `index` in the linear window history, the Merkle `root` of its event
     * hashes and the `mapRoot` of the ledger map it committed to (every ledger's latest anchored head). All zero
     * before the first window.
     */
    struct Window {
        uint64 index;
        bytes32 root;
        bytes32 mapRoot;
    }

    /**
     * @notice Status of an issued certification. `None` means never suspended or revoked (or reinstated after a
     * suspension). `Suspended` can be lifted by the issuer; `Revoked` is final.
     */
    enum CertificationStatus {
        None,
        Suspended,
        Revoked
    }

    /**
     * @notice Issuance of a certification by one certifier: the `issuer`, `issuedAt`, the block time of issuance,
     * its `status` and `updatedAt`, the block time of the last status change (equal to `issuedAt` until one).
     * All fields are zero when that certifier never issued that certification.
     */
    struct CertificationRecord {
        address issuer;
        uint64 issuedAt;
        CertificationStatus status;
        uint64 updatedAt;
    }

    /**
     * @notice Registration record of a certifier: its human-readable `name`, `metadataHash` of an off-chain document
     * (accreditation, contact; may be zero), `registeredAt`, the block time of its last registration, and `active`,
     * false after deregistration.
     */
    struct Certifier {
        string name;
        bytes32 metadataHash;
        uint64 registeredAt;
        bool active;
    }

    /**
     * @notice Emitted when `anchorer` anchors `root`.
     * @param root The anchored Merkle root.
     * @param leafCount Number of event hashes the tree covers.
     * @param timestamp Block time at which the root was anchored.
     * @param anchorer Account holding ANCHORER_ROLE that sent the transaction.
     */
    // solhint-disable-next-line gas-indexed-events
    event RootAnchored(bytes32 indexed root, uint32 leafCount, uint64 timestamp, address indexed anchorer);

    /**
     * @notice Emitted when `anchorer` anchors window `index`, after {RootAnchored} for the same `root`.
     * @param index Position of the window in the history (the previous window's plus one).
     * @param root Merkle root of the window's event hashes.
     * @param mapRoot Root of the ledger map after this window.
     * @param previousRoot Root of the window this one follows (zero for the first).
     */
    event WindowAnchored(uint64 indexed index, bytes32 indexed root, bytes32 mapRoot, bytes32 previousRoot);

    /**
     * @notice Emitted when the admin registers a certifier, or registers again a deregistered one.
     * @param certifier The registered account.
     * @param name Human-readable name of the certification body.
     * @param metadataHash Hash of the certifier's off-chain metadata document, or zero.
     */
    event CertifierRegistered(address indexed certifier, string name, bytes32 metadataHash);

    /**
     * @notice Emitted when the admin deregisters a certifier.
     * @param certifier The deregistered account.
     */
    event CertifierDeregistered(address indexed certifier);

    /**
     * @notice Emitted when a registered certifier issues a certification (directly or by signature).
     * @param certHash Hash identifying the certification.
     * @param issuer The issuing certifier.
     * @param issuedAt Block time of issuance.
     */
    event CertificationIssued(bytes32 indexed certHash, address indexed issuer, uint64 issuedAt);

    /**
     * @notice Emitted when the issuer of a certification suspends, revokes or reinstates it.
     * @param certHash Hash identifying the certification.
     * @param certifier The issuer, who made the change (directly or by signature).
     * @param status The new status: `Suspended`, `Revoked`, or `None` for a reinstatement.
     * @param reason Free-text reason given by the certifier.
     */
    event CertificationStatusChanged(
        bytes32 indexed certHash,
        address indexed certifier,
        CertificationStatus status,
        string reason
    );

    /// @notice The zero address was given where an account is required.
    error ProvenanceRegistryZeroAddress();

    /// @notice The zero root cannot be anchored.
    error ProvenanceRegistryZeroRoot();

    /// @notice A root must cover at least one leaf.
    error ProvenanceRegistryZeroLeafCount();

    /**
     * @notice `root` was already anchored; a root is anchored only once.
     * @param root The root given.
     * @param anchoredAt Block time of the earlier anchoring.
     */
    error ProvenanceRegistryRootAlreadyAnchored(bytes32 root, uint64 anchoredAt);

    /**
     * @notice A window must follow the newest window on chain; `previousRoot` names another one (a window anchored
     * meanwhile, or a fork of the history).
     * @param latestRoot Root of the newest window on chain.
     * @param previousRoot The root given as previous.
     */
    error ProvenanceRegistryWindowOutOfOrder(bytes32 latestRoot, bytes32 previousRoot);

    /**
     * @notice `certifier` is already an active certifier.
     * @param certifier The account given.
     */
    error ProvenanceRegistryCertifierAlreadyRegistered(address certifier);

    /**
     * @notice `certifier` is not an active registered certifier.
     * @param certifier The account that was expected to be one.
     */
    error ProvenanceRegistryCertifierNotRegistered(address certifier);

    /// @notice The zero hash does not identify a certification.
    error ProvenanceRegistryZeroCertHash();

    /**
     * @notice `issuer` already issued `certHash`; a certification is issued once per issuer.
     * @param certHash The certification.
     * @param issuer The certifier that issued it.
     */
    error ProvenanceRegistryCertificationAlreadyIssued(bytes32 certHash, address issuer);

    /**
     * @notice `issuer` never issued `certHash`, so it cannot change its status (only the issuer can).
     * @param certHash The certification.
     * @param issuer The certifier that attempted the change.
     */
    error ProvenanceRegistryCertificationNotIssued(bytes32 certHash, address issuer);

    /**
     * @notice `certHash` is revoked and revocation is final: its status cannot change any more.
     * @param certHash The certification.
     */
    error ProvenanceRegistryCertificationRevoked(bytes32 certHash);

    /**
     * @notice `certHash` is already suspended.
     * @param certHash The certification.
     */
    error ProvenanceRegistryCertificationAlreadySuspended(bytes32 certHash);

    /**
     * @notice `certHash` is not suspended, so it cannot be reinstated.
     * @param certHash The certification.
     */
    error ProvenanceRegistryCertificationNotSuspended(bytes32 certHash);

    /**
     * @notice A signed status change was relayed after its deadline.
     * @param deadline The last block time at which the signature was accepted.
     */
    error ProvenanceRegistrySignatureExpired(uint256 deadline);

    /**
     * @notice The signature is not `certifier`'s signature of the issuance or of the status change with its current
     * nonce (wrong signer, altered field, or a nonce already used).
     * @param certifier The certifier the signature was claimed to come from.
     */
    error ProvenanceRegistryInvalidSignature(address certifier);

    /**
     * @notice Anchors a Merkle root of event hashes. Only accounts with ANCHORER_ROLE.
     * @dev Stores the block time and block number; emits {RootAnchored}. Reverts with
     * {ProvenanceRegistryZeroRoot}, {ProvenanceRegistryZeroLeafCount} or {ProvenanceRegistryRootAlreadyAnchored}.
     * @param root Root of an OpenZeppelin StandardMerkleTree with leaf encoding ["bytes32"].
     * @param leafCount Number of event hashes the tree covers.
     */
    function anchorRoot(bytes32 root, uint32 leafCount) external;

    /**
     * @notice Anchors the next window of the history: the Merkle root of its event hashes and the root of the ledger
     * map (keyed by ledger, valued by latest anchored head) after it. Only accounts with ANCHORER_ROLE. Windows form
     * one line: `previousRoot` must be the newest window's root, so a verifier reads the latest map with
     * {latestWindow} and every window has one predecessor.
     * @dev Stores the anchor with the window index and the map root; emits {RootAnchored} then {WindowAnchored}.
     * Reverts as {anchorRoot} and with {ProvenanceRegistryWindowOutOfOrder}.
     * @param root Root of an OpenZeppelin StandardMerkleTree with leaf encoding ["bytes32"].
     * @param mapRoot Root of the ledger map after this window (decision 0015); zero for an empty map.
     * @param leafCount Number of event hashes the tree covers.
     * @param previousRoot Root of the newest window on chain, or zero for the first window.
     */
    function anchorWindow(bytes32 root, bytes32 mapRoot, uint32 leafCount, bytes32 previousRoot) external;

    /**
     * @notice The newest window.
     * @return The window; all fields are zero before the first window.
     */
    function latestWindow() external view returns (Window memory);

    /**
     * @notice Ledger map root committed by the window whose event root is `root`.
     * @param root A window's event root.
     * @return The map root, or zero if `root` is not a window (or its map was empty).
     */
    function mapRootOf(bytes32 root) external view returns (bytes32);

    /**
     * @notice Block time at which `root` was anchored.
     * @param root A Merkle root.
     * @return The anchoring timestamp, or 0 if `root` was never anchored.
     */
    function anchoredAt(bytes32 root) external view returns (uint256);

    /**
     * @notice Anchoring record of `root`.
     * @param root A Merkle root.
     * @return The record; all fields are zero if `root` was never anchored.
     */
    function anchorOf(bytes32 root) external view returns (Anchor memory);

    /**
     * @notice Checks that `leaf` belongs to an anchored tree.
     * @param root An anchored Merkle root.
     * @param proof Sibling hashes from the leaf to the root (OpenZeppelin MerkleProof, sorted pairs).
     * @param leaf The tree leaf: `keccak256(bytes.concat(keccak256(abi.encode(eventHash))))`.
     * @return True only if `root` is anchored and `proof` proves `leaf` in it.
     */
    function verifyLeaf(bytes32 root, bytes32[] calldata proof, bytes32 leaf) external view returns (bool);

    /**
     * @notice Registers `certifier`, or registers again a deregistered one, and grants it CERTIFIER_ROLE. Only the
     * admin (DEFAULT_ADMIN_ROLE).
     * @dev Emits {CertifierRegistered}. Reverts with {ProvenanceRegistryZeroAddress} or
     * {ProvenanceRegistryCertifierAlreadyRegistered}.
     * @param certifier The account of the certification body (an EOA or an ERC-1271 contract).
     * @param name Human-readable name of the certification body.
     * @param metadataHash Hash of an off-chain metadata document (accreditation, contact), or zero.
     */
    function registerCertifier(address certifier, string calldata name, bytes32 metadataHash) external;

    /**
     * @notice Deregisters an active certifier and revokes its CERTIFIER_ROLE. Only the admin. The certifications
     * it issued stay issued and keep their status, which can only change again if it is registered again.
     * @dev Emits {CertifierDeregistered}. Reverts with {ProvenanceRegistryCertifierNotRegistered}.
     * @param certifier The certifier to deregister.
     */
    function deregisterCertifier(address certifier) external;

    /**
     * @notice Whether `account` may issue certifications and change the status of those it issued.
     * @dev The registration record is authoritative: CERTIFIER_ROLE mirrors it for role-based tooling, and
     * granting or revoking that role directly with `grantRole`/`revokeRole` neither registers nor deregisters.
     * @param account Any account.
     * @return True if `account` is an active registered certifier.
     */
    function isCertifier(address account) external view returns (bool);

    /**
     * @notice Registration record of `account`.
     * @param account Any account.
     * @return The record; empty if `account` was never registered.
     */
    function certifierOf(address account) external view returns (Certifier memory);

    /**
     * @notice Issues `certHash` as the caller's certification. Only an active certifier.
     * @dev Records the caller as issuer with the block time; emits {CertificationIssued}. Reverts with
     * {ProvenanceRegistryCertifierNotRegistered}, {ProvenanceRegistryZeroCertHash} or
     * {ProvenanceRegistryCertificationAlreadyIssued}.
     * @param certHash Hash identifying the certification (the EIP-712 digest of the signed certification).
     */
    function issueCertification(bytes32 certHash) external;

    /**
     * @notice Issues `certHash` on behalf of `certifier`, whose `signature` of `certHash` proves it: the EIP-712
     * signature the certifier made of its certification, since certHash is that digest. Anyone may relay it.
     * @dev Reverts with {ProvenanceRegistryInvalidSignature} and as {issueCertification} (checked for
     * `certifier`). Needs no nonce: a certification is issued once per issuer.
     * @param certHash Hash identifying the certification.
     * @param certifier The signing certifier.
     * @param signature ECDSA signature of an EOA over `certHash`, or any signature an ERC-1271 `certifier`
     * contract accepts for `certHash`.
     */
    function issueCertificationBySig(bytes32 certHash, address certifier, bytes calldata signature) external;

    /**
     * @notice Revokes `certHash` for good. Only its issuer, while an active certifier.
     * @dev Emits {CertificationStatusChanged} with status `Revoked`. Reverts with
     * {ProvenanceRegistryCertifierNotRegistered}, {ProvenanceRegistryCertificationNotIssued} (the caller did not
     * issue it) or {ProvenanceRegistryCertificationRevoked}.
     * @param certHash Hash identifying the certification.
     * @param reason Free-text reason, emitted but not stored.
     */
    function revokeCertification(bytes32 certHash, string calldata reason) external;

    /**
     * @notice Suspends `certHash` until it is reinstated. Same caller rules as {revokeCertification}.
     * @dev Emits {CertificationStatusChanged} with status `Suspended`. Reverts as {revokeCertification} and with
     * {ProvenanceRegistryCertificationAlreadySuspended}.
     * @param certHash Hash identifying the certification.
     * @param reason Free-text reason, emitted but not stored.
     */
    function suspendCertification(bytes32 certHash, string calldata reason) external;

    /**
     * @notice Lifts the suspension of `certHash`. Same caller rules as {revokeCertification}.
     * @dev Emits {CertificationStatusChanged} with status `None`. Reverts as {revokeCertification} and with
     * {ProvenanceRegistryCertificationNotSuspended}.
     * @param certHash Hash identifying the certification.
     * @param reason Free-text reason, emitted but not stored.
     */
    function reinstateCertification(bytes32 certHash, string calldata reason) external;

    /**
     * @notice Revokes `certHash` on behalf of `certifier`, who signed the EIP-712 message
     * `CertificationStatusChange(bytes32 certHash,uint8 status,string reason,address certifier,uint256 nonce,uint256 deadline)`
     * with status 2 (`Revoked`) and its current nonce. Anyone may relay it.
     * @dev Consumes the nonce. Reverts with {ProvenanceRegistrySignatureExpired},
     * {ProvenanceRegistryInvalidSignature} and as {revokeCertification} (checked for `certifier`).
     * @param certHash Hash identifying the certification.
     * @param reason Free-text reason, emitted but not stored.
     * @param certifier The signing certifier.
     * @param deadline Last block time at which the signature is accepted.
     * @param signature ECDSA signature of an EOA, or any signature an ERC-1271 `certifier` contract accepts.
     */
    function revokeCertificationBySig(
        bytes32 certHash,
        string calldata reason,
        address certifier,
        uint256 deadline,
        bytes calldata signature
    ) external;

    /**
     * @notice Changes the status of `certHash` on behalf of `certifier`, who signed the same EIP-712 message as for
     * {revokeCertificationBySig} with `status` as uint8: `Suspended` (1) suspends, `Revoked` (2) revokes and `None`
     * (0) reinstates. Anyone may relay it.
     * @dev Consumes the nonce. Reverts as {revokeCertificationBySig} and with the errors of the matching direct
     * function. A `status` outside the enum fails ABI decoding (revert without data).
     * @param certHash Hash identifying the certification.
     * @param status The new status.
     * @param reason Free-text reason, emitted but not stored.
     * @param certifier The signing certifier.
     * @param deadline Last block time at which the signature is accepted.
     * @param signature ECDSA signature of an EOA, or any signature an ERC-1271 `certifier` contract accepts.
     */
    function setCertificationStatusBySig(
        bytes32 certHash,
        CertificationStatus status,
        string calldata reason,
        address certifier,
        uint256 deadline,
        bytes calldata signature
    ) external;

    /**
     * @notice Issuance and status of `certHash` by `issuer`. A verifier asks with the certifier named in the signed
     * certification: the certification counts only if that certifier issued it (so was registered when it did).
     * @param certHash Hash identifying the certification.
     * @param issuer The certifier named in the certification.
     * @return The record; all fields are zero if `issuer` never issued `certHash`.
     */
    function certificationOf(
        bytes32 certHash,
        address issuer
    ) external view returns (CertificationRecord memory);

    /**
     * @notice Next nonce to sign for `owner`'s status changes; each relayed signature consumes one.
     * @param owner A certifier.
     * @return The nonce the next signature of `owner` must carry.
     */
    function nonces(address owner) external view returns (uint256);

    /**
     * @notice EIP-712 domain separator of the signed status changes.
     * @return The separator for name "ProvenanceRegistry", version "1", this chain and this registry.
     */
    function domainSeparator() external view returns (bytes32);

    /**
     * @notice Role allowed to anchor roots.
     * @return `keccak256("ANCHORER_ROLE")`.
     */
    function ANCHORER_ROLE() external view returns (bytes32);

    /**
     * @notice Role mirroring the active certifiers (see {isCertifier}).
     * @return `keccak256("CERTIFIER_ROLE")`.
     */
    function CERTIFIER_ROLE() external view returns (bytes32);

    /**
     * @notice EIP-712 type hash of the signed status changes.
     * @return `keccak256("CertificationStatusChange(bytes32 certHash,uint8 status,string reason,address certifier,uint256 nonce,uint256 deadline)")`.
     */
    function CERTIFICATION_STATUS_TYPEHASH() external view returns (bytes32);
}
