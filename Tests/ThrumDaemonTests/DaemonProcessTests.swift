import Testing

/// Every suite that starts real daemon processes, one after another. Their tests block
/// (they wait for processes and sockets), and a blocked test holds a thread of the
/// cooperative pool, which has one per core: two at once would starve every async test
/// in the process (in-process sync servers stop answering). Serialized, they hold one.
@Suite(.serialized) enum DaemonProcessTests {}
