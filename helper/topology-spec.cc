#include "helper/topology-spec.h"

#include "helper/lossy-link-helper.h"
#include "model/wire/input-file.h"

#include <algorithm>
#include <boost/graph/adjacency_list.hpp>
#include <boost/graph/graphviz.hpp>
#include <boost/property_map/dynamic_property_map.hpp>
#include <cmath>
#include <deque>
#include <limits>
#include <map>
#include <ns3/data-rate.h>
#include <ns3/nstime.h>
#include <set>
#include <sstream>

namespace ns3
{

using vpnsim::wire::ErrorCode;
using SpecResult = vpnsim::wire::Result<TopologySpec>;

namespace
{

struct VertexProperties
{
    std::string name;
    std::string role;
    std::string natMode;
};

struct EdgeProperties
{
    std::string rate;
    std::string delay;
    std::string jitter;
    std::string loss;
    std::string lossReverse;
    std::string internet;
};

using Graph = boost::adjacency_list<boost::vecS, boost::vecS, boost::undirectedS, VertexProperties,
                                    EdgeProperties>;

const std::set<std::string> kRoles{"client", "headend", "asa",   "nat",
                                   "router", "server",  "switch"};

} // namespace

std::optional<Time>
ParseDelay(const std::string& text)
{
    // ns-3's own Time parser aborts on bad input; a topology file deserves an error instead.
    size_t used = 0;
    double value = 0;
    try
    {
        value = std::stod(text, &used);
    }
    catch (const std::exception&)
    {
        return std::nullopt;
    }
    std::string unit = text.substr(used);
    static const std::map<std::string, double> kSeconds{
        {"s", 1}, {"ms", 1e-3}, {"us", 1e-6}, {"ns", 1e-9}};
    auto it = kSeconds.find(unit);
    if (it == kSeconds.end() || !std::isfinite(value) || value < 0 || value > 3600 / it->second)
    {
        return std::nullopt;
    }
    return Seconds(value * it->second);
}

std::vector<size_t>
TopologySpec::WithRole(const std::string& role) const
{
    std::vector<size_t> out;
    for (size_t i = 0; i < vertices.size(); ++i)
    {
        if (vertices[i].role == role)
        {
            out.push_back(i);
        }
    }
    return out;
}

std::vector<std::pair<size_t, size_t>>
TopologySpec::Incident(size_t vertex) const
{
    std::vector<std::pair<size_t, size_t>> out;
    for (size_t i = 0; i < edges.size(); ++i)
    {
        if (edges[i].first == vertex)
        {
            out.emplace_back(i, edges[i].second);
        }
        else if (edges[i].second == vertex)
        {
            out.emplace_back(i, edges[i].first);
        }
    }
    return out;
}

std::vector<size_t>
TopologySpec::HopsFrom(size_t from) const
{
    std::vector<size_t> hops(vertices.size(), std::numeric_limits<size_t>::max());
    std::deque<size_t> queue{from};
    hops[from] = 0;
    while (!queue.empty())
    {
        size_t v = queue.front();
        queue.pop_front();
        for (auto [edge, neighbour] : Incident(v))
        {
            if (hops[neighbour] == std::numeric_limits<size_t>::max())
            {
                hops[neighbour] = hops[v] + 1;
                queue.push_back(neighbour);
            }
        }
    }
    return hops;
}

TopologySpec
TechNoteLine()
{
    TopologySpec s;
    s.vertices = {{"client", "client", "pat"},
                  {"asa", "asa", "pat"},
                  {"headend", "headend", "pat"},
                  {"server", "server", "pat"}};
    TopologyEdge internet;
    internet.first = 0;
    internet.second = 1;
    internet.rate = "10Mbps";
    internet.delay = "20ms";
    internet.internet = true;
    TopologyEdge lan1;
    lan1.first = 1;
    lan1.second = 2;
    lan1.rate = "1Gbps";
    lan1.delay = "100us";
    TopologyEdge lan2 = lan1;
    lan2.first = 2;
    lan2.second = 3;
    s.edges = {internet, lan1, lan2};
    return s;
}

namespace
{

/// Parses `text` into `g`; an empty string on success, else the parser's complaint.
std::string
ParseDot(const std::string& text, Graph& g)
{
    boost::dynamic_properties dp; // no generator: an unknown attribute is an error
    dp.property("node_id", boost::get(&VertexProperties::name, g));
    dp.property("role", boost::get(&VertexProperties::role, g));
    dp.property("nat_mode", boost::get(&VertexProperties::natMode, g));
    dp.property("rate", boost::get(&EdgeProperties::rate, g));
    dp.property("delay", boost::get(&EdgeProperties::delay, g));
    dp.property("jitter", boost::get(&EdgeProperties::jitter, g));
    dp.property("loss", boost::get(&EdgeProperties::loss, g));
    dp.property("loss_reverse", boost::get(&EdgeProperties::lossReverse, g));
    dp.property("internet", boost::get(&EdgeProperties::internet, g));
    try
    {
        return boost::read_graphviz(text, g, dp, "node_id") ? "" : "not a graph";
    }
    catch (const boost::property_not_found& e)
    {
        return "unknown attribute '" + vpnsim::wire::QuoteInput(e.property)
               + "' (vertices: role, nat_mode; edges: rate, delay, jitter, loss, loss_reverse, "
                 "internet)";
    }
    catch (const std::exception& e)
    {
        return vpnsim::wire::QuoteInput(e.what(), 200);
    }
}

/// The line a DOT error is on. Boost's parser does not say, so parse prefixes of the file, each
/// closed with an extra "}": a prefix that fails on something other than that added brace
/// holds the offending line, and every longer prefix does too, so a binary search over the
/// line ends finds the first such prefix in a few dozen parses even for a large file. If every
/// prefix only lacks its end, the file ends too early: the last line that has anything on it.
std::optional<size_t>
LocateDotError(const std::string& text)
{
    std::vector<size_t> lineEnds;
    for (size_t i = 0; i < text.size(); ++i)
    {
        if (text[i] == '\n')
        {
            lineEnds.push_back(i);
        }
    }
    lineEnds.push_back(text.size());
    auto failsHere = [&](size_t line)
    {
        Graph probe;
        std::string error = ParseDot(text.substr(0, lineEnds[line]) + "\n}\n", probe);
        return !error.empty() && error.find("'}'") == std::string::npos;
    };
    size_t low = 0;
    size_t high = lineEnds.size(); // the first failing line is in [low, high); high: none
    while (low < high)
    {
        size_t middle = low + (high - low) / 2;
        if (failsHere(middle))
        {
            high = middle;
        }
        else
        {
            low = middle + 1;
        }
    }
    if (low < lineEnds.size())
    {
        return low + 1;
    }
    size_t last = text.find_last_not_of(" \t\r\n");
    if (last == std::string::npos)
    {
        return std::nullopt;
    }
    return static_cast<size_t>(std::count(text.begin(), text.begin() + last, '\n')) + 1;
}

} // namespace

SpecResult
ReadTopologyDot(std::istream& dot, const std::string& origin)
{
    std::string text((std::istreambuf_iterator<char>(dot)), std::istreambuf_iterator<char>());
    Graph g;
    std::string error = ParseDot(text, g);
    if (!error.empty())
    {
        auto line = LocateDotError(text);
        return SpecResult::Fail(ErrorCode::BadValue, origin + ":"
                                                         + (line ? std::to_string(*line) + ":" : "")
                                                         + " " + error);
    }
    TopologySpec spec;
    for (auto v : boost::make_iterator_range(boost::vertices(g)))
    {
        spec.vertices.push_back(
            {g[v].name, g[v].role, g[v].natMode.empty() ? "pat" : g[v].natMode});
    }
    auto nameOf = [&spec](size_t v)
    {
        return vpnsim::wire::QuoteInput(spec.vertices[v].name);
    };
    for (auto e : boost::make_iterator_range(boost::edges(g)))
    {
        TopologyEdge edge;
        edge.first = boost::source(e, g);
        edge.second = boost::target(e, g);
        const EdgeProperties& p = g[e];
        edge.rate = p.rate.empty() ? edge.rate : p.rate;
        edge.delay = p.delay.empty() ? edge.delay : p.delay;
        edge.jitter = p.jitter.empty() ? edge.jitter : p.jitter;
        edge.loss = p.loss.empty() ? edge.loss : p.loss;
        edge.lossReverse = p.lossReverse.empty() ? edge.loss : p.lossReverse;
        if (!p.internet.empty() && p.internet != "true" && p.internet != "false")
        {
            return SpecResult::Fail(ErrorCode::BadValue,
                                    origin + ": edge " + nameOf(edge.first) + " -- "
                                        + nameOf(edge.second) + ": internet='"
                                        + vpnsim::wire::QuoteInput(p.internet) + "' is not true or false");
        }
        edge.internet = p.internet == "true";
        spec.edges.push_back(edge);
    }
    auto valid = ValidateTopology(spec, origin);
    if (!valid)
    {
        return valid.GetError();
    }
    return spec;
}

SpecResult
ReadTopologyDotFile(const std::string& path)
{
    auto text = vpnsim::wire::ReadInputFile(path, kMaxTopologyBytes);
    if (!text)
    {
        return text.GetError();
    }
    std::istringstream in(*text);
    return ReadTopologyDot(in, vpnsim::wire::QuoteInput(path, 200));
}

vpnsim::wire::Status
ValidateTopology(const TopologySpec& spec, const std::string& origin)
{
    auto fail = [&origin](const std::string& what)
    {
        return vpnsim::wire::Status::Fail(ErrorCode::BadValue, origin + ": " + what);
    };
    auto nameOf = [&spec](size_t v)
    {
        return vpnsim::wire::QuoteInput(spec.vertices[v].name);
    };
    for (size_t i = 0; i < spec.vertices.size(); ++i)
    {
        const auto& v = spec.vertices[i];
        if (!kRoles.count(v.role))
        {
            return fail("vertex " + nameOf(i) + ": role '" + vpnsim::wire::QuoteInput(v.role)
                        + "' is not one of client, headend, asa, nat, router, server, switch");
        }
        if (v.natMode != "pat" && v.natMode != "static")
        {
            return fail("vertex " + nameOf(i) + ": nat_mode '" + vpnsim::wire::QuoteInput(v.natMode)
                        + "' is not pat or static");
        }
    }
    std::set<std::pair<size_t, size_t>> joined;
    for (const auto& e : spec.edges)
    {
        std::string name = "edge " + nameOf(e.first) + " -- " + nameOf(e.second);
        if (e.first == e.second)
        {
            return fail(name + ": a link joins two different vertices, not a vertex to itself");
        }
        if (!joined.insert(std::minmax(e.first, e.second)).second)
        {
            return fail(name + ": the two vertices are already joined by a link (one link each)");
        }
        DataRateValue rate;
        if (!rate.DeserializeFromString(e.rate, MakeDataRateChecker())
            || rate.Get().GetBitRate() == 0)
        {
            return fail(name + ": rate '" + vpnsim::wire::QuoteInput(e.rate)
                        + "' is not a data rate such as 10Mbps");
        }
        if (!ParseDelay(e.delay))
        {
            return fail(name + ": delay '" + vpnsim::wire::QuoteInput(e.delay)
                        + "' is not a time such as 20ms (units s, ms, us, ns; at most 1 hour)");
        }
        if (!ParseDelay(e.jitter))
        {
            return fail(name + ": jitter '" + vpnsim::wire::QuoteInput(e.jitter)
                        + "' is not a time such as 5ms (units s, ms, us, ns; at most 1 hour)");
        }
        for (const auto& loss : {e.loss, e.lossReverse})
        {
            auto model = MakeLossModel(loss, 0);
            if (!model)
            {
                return fail(name + ": " + model.GetError().detail);
            }
        }
    }
    auto clients = spec.WithRole("client");
    auto headends = spec.WithRole("headend");
    if (clients.empty() || headends.size() != 1)
    {
        return fail("needs exactly one headend and at least one client (found "
                    + std::to_string(headends.size()) + " headends and "
                    + std::to_string(clients.size()) + " clients)");
    }
    auto hops = spec.HopsFrom(headends[0]);
    for (size_t i = 0; i < spec.vertices.size(); ++i)
    {
        if (hops[i] == std::numeric_limits<size_t>::max())
        {
            return fail("vertex " + nameOf(i) + " is not connected to the headend");
        }
        const auto& role = spec.vertices[i].role;
        if (role == "switch")
        {
            // A LAN of clients behind one gateway: the switch forwards frames, so loss, jitter
            // and the Internet mark belong on routed links.
            size_t gateways = 0;
            for (auto [e, neighbour] : spec.Incident(i))
            {
                const TopologyEdge& edge = spec.edges[e];
                gateways += spec.vertices[neighbour].role != "client";
                auto jitter = ParseDelay(edge.jitter);
                if (edge.loss != "none" || edge.lossReverse != "none" || edge.internet
                    || (jitter && !jitter->IsZero()))
                {
                    return fail("vertex " + nameOf(i)
                                + ": a switch's links carry no loss, jitter or internet mark");
                }
            }
            if (gateways != 1 || spec.Incident(i).size() < 2)
            {
                return fail("vertex " + nameOf(i)
                            + ": a switch connects clients to exactly one gateway, found "
                            + std::to_string(gateways) + " neighbours that are not clients");
            }
        }
        if (role == "asa" || role == "nat")
        {
            size_t degree = spec.Incident(i).size();
            if (degree != 2)
            {
                return fail("vertex " + nameOf(i) + ": an " + role
                            + " sits between exactly two neighbours (outside and inside), found "
                            + std::to_string(degree));
            }
        }
    }
    return vpnsim::wire::Success();
}

} // namespace ns3
