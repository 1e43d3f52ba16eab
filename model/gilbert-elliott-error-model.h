/*
 * Bursty packet loss for Internet paths: the Gilbert-Elliott two-state Markov chain, evaluated
 * once per packet.
 *
 * Sources:
 *  - E. N. Gilbert, "Capacity of a Burst-Noise Channel", Bell System Technical Journal 39(5),
 *    1960 (the two-state chain, loss only in the bad state).
 *  - E. O. Elliott, "Estimates of Error Rates for Codes on Burst-Noise Channels", Bell System
 *    Technical Journal 42(5), 1963 (loss probabilities in both states).
 *  - G. Hasslinger and O. Hohlfeld, "The Gilbert-Elliott Model for Packet Loss in Real Time
 *    Services on the Internet", 14th GI/ITG MMB conference, 2008 (parameterisation by mean
 *    loss rate and mean burst length, and why a per-packet chain fits Internet loss traces).
 */
#ifndef VPNSIM_GILBERT_ELLIOTT_ERROR_MODEL_H
#define VPNSIM_GILBERT_ELLIOTT_ERROR_MODEL_H

#include "ns3/error-model.h"
#include "ns3/ptr.h"
#include "ns3/random-variable-stream.h"
#include "ns3/traced-callback.h"

#include <cstdint>
#include <string>

namespace ns3
{

/**
 * \brief Per-packet Gilbert-Elliott loss: a good and a bad state, each with its own loss
 * probability, and a Markov transition before every packet.
 *
 * Independent (Bernoulli) loss, as RateErrorModel gives, underestimates how often several
 * consecutive packets are lost on real Internet paths (Hasslinger & Hohlfeld 2008); what
 * breaks cTCP behind a stateful middlebox is one loss, but what breaks DPD and retransmission
 * schemes is a burst, so the simulator needs both the mean loss and the burst length under
 * control.
 *
 * For every packet the chain first moves (good -> bad with probability GoodToBad = p,
 * bad -> good with probability BadToGood = r), then the packet is lost with the new state's
 * loss probability (GoodLossProbability = k, BadLossProbability = h). The chain starts in the
 * good state and Reset() puts it back there.
 *
 * Stationary loss rate (Elliott 1963): pi_B = p / (p + r), loss = (1 - pi_B) k + pi_B h.
 * With k = 0 and h = 1 (Gilbert's simple model) every loss burst is one sojourn in the bad
 * state, geometric with mean 1/r; p + r = 1 makes the next state independent of the current
 * one, i.e. Bernoulli loss with rate p.
 *
 * IsCorrupt() never modifies the packet.
 */
class GilbertElliottErrorModel : public ErrorModel
{
  public:
    /// The chain's state.
    enum State
    {
        GOOD, //!< few or no losses (probability GoodLossProbability)
        BAD   //!< losses likely (probability BadLossProbability)
    };

    /**
     * TracedCallback signature for the StateChange trace source.
     * \param oldState the state before the transition
     * \param newState the state after it
     */
    typedef void (*StateChangeCallback)(State oldState, State newState);

    /**
     * \brief Get the type ID.
     * \return the object TypeId
     */
    static TypeId GetTypeId();

    GilbertElliottErrorModel();
    ~GilbertElliottErrorModel() override;

    /**
     * \brief Checks a (mean loss rate, mean burst length) pair for SetMeanLossAndBurst.
     *
     * Returns a message rather than aborting so a command-line front end can report which of
     * its flags is wrong and exit cleanly.
     *
     * \param meanLoss long-run fraction of packets lost, in the open interval (0, 1)
     * \param meanBurstLength mean number of consecutive lost packets, finite and >= 1, and
     *        at least meanLoss / (1 - meanLoss) (otherwise GoodToBad would exceed 1)
     * \return "" when the pair is valid, else a message naming the bad parameter
     *         ("meanLoss" or "meanBurstLength"), its value and the allowed range
     */
    static std::string ValidateMeanLossAndBurst(double meanLoss, double meanBurstLength);

    /**
     * \brief Sets the simple Gilbert model (k = 0, h = 1) with the given mean loss rate and
     * mean burst length (Hasslinger & Hohlfeld 2008): r = 1 / meanBurstLength,
     * p = meanLoss * r / (1 - meanLoss).
     *
     * Aborts (NS_FATAL_ERROR) with ValidateMeanLossAndBurst's message on bad input; call that
     * first to handle the error yourself.
     *
     * \param meanLoss long-run fraction of packets lost
     * \param meanBurstLength mean number of consecutive lost packets
     */
    void SetMeanLossAndBurst(double meanLoss, double meanBurstLength);

    /**
     * \return the long-run fraction of packets lost with the current parameters; if
     *         p = r = 0 the chain never leaves the good state, so GoodLossProbability
     */
    double GetStationaryLossRate() const;

    /// \return the current state of the chain
    State GetState() const;

    /// \param k loss probability in the good state, in [0, 1]
    void SetGoodLossProbability(double k);
    /// \return loss probability in the good state
    double GetGoodLossProbability() const;
    /// \param h loss probability in the bad state, in [0, 1]
    void SetBadLossProbability(double h);
    /// \return loss probability in the bad state
    double GetBadLossProbability() const;
    /// \param p per-packet good -> bad transition probability, in [0, 1]
    void SetGoodToBad(double p);
    /// \return per-packet good -> bad transition probability
    double GetGoodToBad() const;
    /// \param r per-packet bad -> good transition probability, in [0, 1]
    void SetBadToGood(double r);
    /// \return per-packet bad -> good transition probability
    double GetBadToGood() const;

    /**
     * \param ranvar the variable drawn for transitions and losses; it must give Uniform(0, 1)
     *        variates (the default) for the probabilities to mean what they say
     */
    void SetRandomVariable(Ptr<RandomVariableStream> ranvar);

    /**
     * Assign a fixed random variable stream number to the random variables used by this
     * model, so a run's loss pattern is reproducible (ns-3's AssignStreams convention).
     *
     * \param stream first stream index to use
     * \return the number of stream indices assigned by this model (1)
     */
    int64_t AssignStreams(int64_t stream);

  private:
    bool DoCorrupt(Ptr<Packet> p) override;
    void DoReset() override;

    /**
     * \param probability a probability in [0, 1]
     * \return true with that probability; draws only when the outcome is not certain, so
     *         the deterministic corners (k = 0, h = 1) cost no variates
     */
    bool Draw(double probability);

    double m_goodLoss;                          //!< k: loss probability in the good state
    double m_badLoss;                           //!< h: loss probability in the bad state
    double m_goodToBad;                         //!< p: good -> bad transition probability
    double m_badToGood;                         //!< r: bad -> good transition probability
    State m_state;                              //!< current state of the chain
    Ptr<RandomVariableStream> m_random;         //!< Uniform(0, 1) decision variable
    TracedCallback<State, State> m_stateChange; //!< fired on every state transition
};

} // namespace ns3

#endif // VPNSIM_GILBERT_ELLIOTT_ERROR_MODEL_H
