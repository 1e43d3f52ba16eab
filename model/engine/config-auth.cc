#include "model/engine/config-auth.h"

#include <cctype>

namespace vpnsim
{
namespace engine
{

namespace
{

constexpr const char* kXmlDeclaration = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";

std::string
XmlUnescape(const std::string& text)
{
    static const std::pair<const char*, char> kEntities[] = {
        {"&amp;", '&'}, {"&lt;", '<'}, {"&gt;", '>'}, {"&quot;", '"'}, {"&apos;", '\''}};
    std::string out;
    for (size_t i = 0; i < text.size();)
    {
        bool replaced = false;
        for (const auto& [entity, c] : kEntities)
        {
            std::string_view e(entity);
            if (text.compare(i, e.size(), e) == 0)
            {
                out += c;
                i += e.size();
                replaced = true;
                break;
            }
        }
        if (!replaced)
        {
            out += text[i++];
        }
    }
    return out;
}

/// The value of attribute `name` in the tag text `tag` ("<input a="1" b='2'>").
std::string
Attribute(const std::string& tag, const std::string& name)
{
    for (size_t at = tag.find(name); at != std::string::npos; at = tag.find(name, at + 1))
    {
        // A whole attribute name: preceded by a blank, followed by '='.
        if (at == 0 || !std::isspace(static_cast<unsigned char>(tag[at - 1])))
        {
            continue;
        }
        size_t p = at + name.size();
        while (p < tag.size() && std::isspace(static_cast<unsigned char>(tag[p])))
        {
            ++p;
        }
        if (p >= tag.size() || tag[p] != '=')
        {
            continue;
        }
        ++p;
        while (p < tag.size() && std::isspace(static_cast<unsigned char>(tag[p])))
        {
            ++p;
        }
        if (p >= tag.size() || (tag[p] != '"' && tag[p] != '\''))
        {
            continue;
        }
        size_t close = tag.find(tag[p], p + 1);
        if (close == std::string::npos)
        {
            return "";
        }
        return XmlUnescape(tag.substr(p + 1, close - p - 1));
    }
    return "";
}

/// Every start tag called `element`, as text from '<' to '>'.
std::vector<std::string>
StartTags(const std::string& xml, const std::string& element)
{
    std::vector<std::string> tags;
    std::string open = "<" + element;
    for (size_t at = xml.find(open); at != std::string::npos; at = xml.find(open, at + 1))
    {
        size_t after = at + open.size();
        if (after < xml.size() && !std::isspace(static_cast<unsigned char>(xml[after]))
            && xml[after] != '>' && xml[after] != '/')
        {
            continue; // a longer name that starts the same
        }
        size_t close = xml.find('>', after);
        if (close == std::string::npos)
        {
            break;
        }
        tags.push_back(xml.substr(at, close - at + 1));
    }
    return tags;
}

std::string
Document(const std::string& type, const std::string& inner)
{
    return std::string(kXmlDeclaration) + "<config-auth client=\"vpn\" type=\"" + type
           + "\" aggregate-auth-version=\"2\">" + inner + "</config-auth>\n";
}

} // namespace

std::string
XmlEscape(const std::string& text)
{
    std::string out;
    for (char c : text)
    {
        switch (c)
        {
            case '&':
                out += "&amp;";
                break;
            case '<':
                out += "&lt;";
                break;
            case '>':
                out += "&gt;";
                break;
            case '"':
                out += "&quot;";
                break;
            case '\'':
                out += "&apos;";
                break;
            default:
                out += c;
        }
    }
    return out;
}

ConfigAuth
ParseConfigAuth(const std::string& xml)
{
    ConfigAuth doc;
    auto root = StartTags(xml, "config-auth");
    if (root.empty())
    {
        return doc;
    }
    doc.type = Attribute(root.front(), "type");
    auto forms = StartTags(xml, "form");
    doc.action = forms.empty() ? "" : Attribute(forms.front(), "action");
    if (doc.action.empty())
    {
        doc.action = "/";
    }
    for (const auto& tag : StartTags(xml, "input"))
    {
        doc.inputs.push_back({Attribute(tag, "name"), Attribute(tag, "type"),
                              Attribute(tag, "value")});
    }
    // An auth-reply's fields are the elements inside <auth>...</auth>.
    size_t auth = xml.find("<auth>");
    size_t authEnd = xml.find("</auth>");
    if (auth != std::string::npos && authEnd != std::string::npos && auth < authEnd)
    {
        size_t p = auth + 6;
        while (true)
        {
            size_t open = xml.find('<', p);
            if (open == std::string::npos || open >= authEnd)
            {
                break;
            }
            size_t close = xml.find('>', open);
            std::string name = xml.substr(open + 1, close - open - 1);
            std::string end = "</" + name + ">";
            size_t valueEnd = xml.find(end, close);
            if (name.empty() || name[0] == '/' || valueEnd == std::string::npos
                || valueEnd > authEnd)
            {
                break;
            }
            doc.replies.emplace_back(name, XmlUnescape(xml.substr(close + 1, valueEnd - close - 1)));
            p = valueEnd + end.size();
        }
    }
    return doc;
}

std::string
ConfigAuthInit(const std::string& groupAccessUrl)
{
    return Document("init", "<version who=\"vpn\">vpnsim</version><device-id>linux-64</device-id>"
                            "<group-access>"
                                + XmlEscape(groupAccessUrl) + "</group-access>");
}

std::string
ConfigAuthReply(const std::vector<std::pair<std::string, std::string>>& fields)
{
    std::string auth;
    for (const auto& [name, value] : fields)
    {
        auth += "<" + name + ">" + XmlEscape(value) + "</" + name + ">";
    }
    return Document("auth-reply", "<version who=\"vpn\">vpnsim</version>"
                                  "<device-id>linux-64</device-id><auth>"
                                      + auth + "</auth>");
}

std::string
ConfigAuthRequest(const std::string& message)
{
    return Document("auth-request",
                    "<auth id=\"main\"><message>" + XmlEscape(message)
                        + "</message><form method=\"post\" action=\"/auth\">"
                          "<input type=\"text\" name=\"username\" label=\"Username:\" />"
                          "<input type=\"password\" name=\"password\" label=\"Password:\" />"
                          "</form></auth>");
}

std::string
ConfigAuthComplete()
{
    return Document("complete", "<auth id=\"success\"><message>Success</message></auth>");
}

} // namespace engine
} // namespace vpnsim
