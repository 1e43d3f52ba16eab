/*
 * Loss replayed from a list: drop exactly the packets a test, a measured trace or an
 * adversarial scenario names, so a failure (one lost cTCP segment, say) is reproduced packet
 * for packet rather than hoped for from a random model.
 */
#ifndef VPNSIM_TRACE_ERROR_MODEL_H
#define VPNSIM_TRACE_ERROR_MODEL_H

#include "ns3/error-model.h"
#include "ns3/nstime.h"

#include <cstdint>
#include <istream>
#include <string>
#include <vector>

namespace ns3
{

/**
 * \brief Drops the packets listed in a trace, by packet index or by time.
 *
 * - Index mode: the packets whose 0-based index among the packets this model has seen (every
 *   IsCorrupt() call while enabled counts) is listed.
 * - Time mode: for each listed time t, the first packet seen at or after t (Simulator::Now()).
 *   A packet that is the first after several listed times is dropped once; those times are
 *   all used up by it.
 *
 * The trace comes from SetDropIndices(), SetDropTimes() or a text file (attribute File, or
 * LoadFile()). File format, one item per line:
 *
 * \verbatim
   # comment (also after an entry: "12  # the SYN")
   mode index        <- optional, before the first entry; "mode index" (default) or "mode time"
   12                <- index mode: a non-negative integer
   1.5               <- time mode: a non-negative time in seconds,
   250ms             <-   or with a unit suffix s, ms, us or ns
   \endverbatim
 *
 * Entries may come in any order; duplicates are harmless. Reset() rewinds the trace: the
 * packet count restarts at 0 and every listed time is armed again.
 *
 * IsCorrupt() never modifies the packet.
 */
class TraceErrorModel : public ErrorModel
{
  public:
    /// What the trace's numbers are.
    enum Mode
    {
        INDEX, //!< 0-based packet indices
        TIME   //!< simulation times
    };

    /// A parsed trace file.
    struct Trace
    {
        Mode mode{INDEX};              //!< what the entries are
        std::vector<uint64_t> indices; //!< the entries in index mode, in file order
        std::vector<Time> times;       //!< the entries in time mode, in file order
    };

    /**
     * \brief Get the type ID.
     * \return the object TypeId
     */
    static TypeId GetTypeId();

    /// Largest trace file read: 64 MiB is millions of drop entries, far beyond any session.
    static constexpr std::size_t kMaxFileBytes = 64 << 20;

    TraceErrorModel();
    ~TraceErrorModel() override;

    /**
     * \brief Parses a trace file.
     *
     * Returns a message rather than aborting so a command-line front end can report it and
     * exit cleanly.
     *
     * \param path the file to read: a regular file of at most kMaxFileBytes
     * \param trace receives the trace (left unspecified on error)
     * \return "" on success, else "<path>:<line>: <what is wrong>" (or "<path>: ..." when the
     *         file cannot be read, is not a regular file or is too large)
     */
    static std::string Load(const std::string& path, Trace& trace);

    /**
     * \brief Parses a trace from a stream (Load without the file).
     *
     * \param input the trace text
     * \param name what to call the source in messages (usually the file name)
     * \param trace receives the trace (left unspecified on error)
     * \return "" on success, else "<name>:<line>: <what is wrong>"
     */
    static std::string Parse(std::istream& input, const std::string& name, Trace& trace);

    /**
     * \brief Loads a trace file and uses it (rewinding the model).
     *
     * \param path the file to read; "" clears the trace (nothing is dropped)
     * \return "" on success, else Load's message; on error the model is unchanged
     */
    std::string LoadFile(const std::string& path);

    /**
     * Switches to index mode, forgets any File and rewinds.
     * \param indices 0-based indices of the packets to drop, in any order
     */
    void SetDropIndices(std::vector<uint64_t> indices);

    /**
     * Switches to time mode, forgets any File and rewinds.
     * \param times drop the first packet at or after each, in any order
     */
    void SetDropTimes(std::vector<Time> times);

    /// \return the current mode
    Mode GetMode() const;

    /// \return how many packets this model has seen since the last rewind
    uint64_t GetPacketsSeen() const;

  private:
    bool DoCorrupt(Ptr<Packet> p) override;
    void DoReset() override;

    /**
     * Attribute setter for File: loads the file or aborts with Load's message.
     * \param path the trace file ("" for none)
     */
    void SetFile(const std::string& path);
    /// \return the File attribute
    std::string GetFile() const;

    Mode m_mode;                     //!< what the trace lists
    std::vector<uint64_t> m_indices; //!< sorted, unique indices to drop (index mode)
    std::vector<Time> m_times;       //!< sorted times (time mode)
    std::size_t m_next;              //!< first entry of m_indices or m_times not yet used
    uint64_t m_seen;                 //!< packets seen since the last rewind
    std::string m_file;              //!< the File attribute
};

} // namespace ns3

#endif // VPNSIM_TRACE_ERROR_MODEL_H
