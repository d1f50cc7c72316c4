"""Custom actions: thin glue that reads the tracker, calls bot/, and answers."""


def warm_up() -> None:
    """Load what the first call would otherwise load (the job-offer reader's language data, the need finder).

    The first job-offer check after a start took 14 s on a busy machine, long enough for Rasa (or the cluster's
    internal load balancer) to give up and answer with the fallback. bot/ops/actions_server.py calls this before
    it starts listening, so a server that accepts connections answers at full speed.
    """
    from actions.actions import _need_finder
    from actions.job_offer import _reader

    _reader()
    _need_finder()
