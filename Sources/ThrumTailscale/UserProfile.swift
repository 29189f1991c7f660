/// The tailnet user that owns a node. Tagged nodes belong to the pseudo-user `tagged-devices`.
public struct UserProfile: Sendable, Equatable, Decodable {
    public var loginName: String
    public var displayName: String

    public init(loginName: String, displayName: String) {
        self.loginName = loginName
        self.displayName = displayName
    }

    private enum CodingKeys: String, CodingKey {
        case loginName = "LoginName"
        case displayName = "DisplayName"
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        loginName = try container.decodeIfPresent(String.self, forKey: .loginName) ?? ""
        displayName = try container.decodeIfPresent(String.self, forKey: .displayName) ?? ""
    }
}
