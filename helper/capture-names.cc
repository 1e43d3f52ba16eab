#include "helper/capture-names.h"

#include <map>

namespace ns3
{

std::vector<std::array<std::string, 2>>
CaptureNames(const TopologySpec& topology)
{
    const size_t n = topology.vertices.size();
    std::map<std::string, size_t> perRole;
    for (const auto& v : topology.vertices)
    {
        ++perRole[v.role];
    }
    std::vector<std::string> label(n);
    std::map<std::string, size_t> seen;
    for (size_t v = 0; v < n; ++v)
    {
        const std::string& role = topology.vertices[v].role;
        size_t ordinal = ++seen[role];
        label[v] = role == "client" || perRole[role] > 1 ? role + "-" + std::to_string(ordinal)
                                                         : role;
    }
    auto headends = topology.WithRole("headend");
    auto clients = topology.WithRole("client");
    std::vector<size_t> toHeadend = headends.empty() ? std::vector<size_t>(n, 0)
                                                     : topology.HopsFrom(headends.front());
    std::vector<size_t> toClient = clients.empty() ? std::vector<size_t>(n, 0)
                                                   : topology.HopsFrom(clients.front());

    std::vector<std::array<std::string, 2>> names(topology.edges.size());
    for (size_t v = 0; v < n; ++v)
    {
        const std::string& role = topology.vertices[v].role;
        auto incident = topology.Incident(v);
        // The headend's device toward the first client: its neighbour nearest to that client.
        size_t clientSide = SIZE_MAX;
        for (auto [edge, neighbour] : incident)
        {
            if (clientSide == SIZE_MAX || toClient[neighbour] < toClient[clientSide])
            {
                clientSide = neighbour;
            }
        }
        for (auto [edge, neighbour] : incident)
        {
            std::string name;
            if (role == "asa" || role == "nat")
            {
                // An ASA protects the headend's network: its inside faces the headend. A NAT
                // (PAT) translates the branch office's LAN: its inside faces the clients.
                bool towardHeadend = toHeadend[neighbour] < toHeadend[v];
                bool inside = role == "asa" ? towardHeadend : !towardHeadend;
                name = label[v] + (inside ? "-inside" : "-outside");
            }
            else if ((role == "headend" && neighbour == clientSide)
                     || (role == "client" && incident.size() == 1))
            {
                name = label[v];
            }
            else
            {
                name = label[v] + "-to-" + label[neighbour];
            }
            names[edge][topology.edges[edge].first == v ? 0 : 1] = name;
        }
    }
    return names;
}

} // namespace ns3
