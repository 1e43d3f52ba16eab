/*
 * The XML bodies of AnyConnect's aggregate authentication (doc/protocols.md §AnyConnect
 * authentication): the client's `<config-auth type="init">` and `type="auth-reply"`, and the
 * server's `type="auth-request"` (a form to fill) and `type="complete"`.
 *
 * Only the few elements the exchange needs are read: the document's type, the form's action,
 * and each `<input>`'s name and type. Text that goes into a document is escaped.
 */
#ifndef VPNSIM_ENGINE_CONFIG_AUTH_H
#define VPNSIM_ENGINE_CONFIG_AUTH_H

#include <string>
#include <utility>
#include <vector>

namespace vpnsim
{
namespace engine
{

/// One field of a form the server asks to be filled.
struct ConfigAuthInput
{
    std::string name; ///< e.g. "username", "password"
    std::string type; ///< "text", "password", "hidden"...
    std::string value;
};

/// What a `<config-auth>` document says.
struct ConfigAuth
{
    std::string type;   ///< "init", "auth-request", "auth-reply", "complete"
    std::string action; ///< the form's action ("/" when there is no form or no action)
    std::vector<ConfigAuthInput> inputs;
    /// auth-reply: the filled fields, in order (name, value).
    std::vector<std::pair<std::string, std::string>> replies;
};

/// Reads a document; an empty type means it is not a config-auth document.
ConfigAuth ParseConfigAuth(const std::string& xml);

/// The client's first document: type="init", naming the URL it connects to.
std::string ConfigAuthInit(const std::string& groupAccessUrl);

/// The client's answer to a form: type="auth-reply" with one element per field.
std::string ConfigAuthReply(const std::vector<std::pair<std::string, std::string>>& fields);

/// The server's form asking for a user name and a password, posted to /auth.
std::string ConfigAuthRequest(const std::string& message);

/// The server's "authenticated" document.
std::string ConfigAuthComplete();

/// `text` with & < > " ' escaped for XML.
std::string XmlEscape(const std::string& text);

} // namespace engine
} // namespace vpnsim

#endif // VPNSIM_ENGINE_CONFIG_AUTH_H
