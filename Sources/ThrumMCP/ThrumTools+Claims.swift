import ThrumControlAPI

/// The claim tools: the same control methods as `thrum claim`.
extension ThrumTools {
    func claim(_ args: ClaimArguments) async throws -> ToolResult {
        try await presence.ensure()
        let record: ClaimRecord = try await daemon.call(
            .claimAdd, ControlParams.ClaimAdd(agent: agent, project: try project(args.project), patterns: args.patterns,
                                              ttlSeconds: args.ttlSeconds, note: args.note, shared: args.shared))
        return .success(ToolText.claim(record), record)
    }

    func releaseClaim(_ args: ReleaseClaimArguments) async throws -> ToolResult {
        guard (args.claimID == nil) == (args.all == true) else { throw ToolFailure("Give claim_id, or all: true, not both.") }
        try await presence.ensure()
        let done: ClaimsReleased = try await daemon.call(
            .claimRelease, ControlParams.ClaimRelease(agent: agent, claimID: args.claimID, all: args.all, project: nil))
        return .success(done.released.isEmpty ? "Nothing to release." : "Released \(done.released.joined(separator: ", ")).", done)
    }

    func listClaims(_ args: ListClaimsArguments) async throws -> ToolResult {
        try await presence.ensure()
        let list: ClaimList = try await daemon.call(
            .claimList, ControlParams.ClaimList(agent: agent, project: try project(args.project), of: args.of, path: args.path, ended: nil))
        return .success(list.claims.isEmpty ? "No live claims." : list.claims.map(ToolText.claim).joined(separator: "\n"), list)
    }

    func checkPaths(_ args: CheckPathsArguments) async throws -> ToolResult {
        try await presence.ensure()
        let result: ClaimCheckResult = try await daemon.call(
            .claimCheck, ControlParams.ClaimCheck(agent: agent, project: try project(args.project), paths: args.paths))
        return .success(ToolText.check(result), result)
    }

    /// The project a call names, else the one the server was started in.
    private func project(_ named: String?) throws -> String {
        if let named, !named.isEmpty { return named }
        switch project {
        case let .success(project): return project
        case let .failure(unknown): throw ToolFailure("No project: \(unknown.reason). Pass project.")
        }
    }
}
