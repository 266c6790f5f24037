package dev.specgate.gateway.replicas;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;

/** Host name to addresses: the system resolver, or a fake in tests. */
@FunctionalInterface
public interface AddressResolver {
    AddressResolver SYSTEM = host -> List.of(InetAddress.getAllByName(host));

    List<InetAddress> resolve(String host) throws UnknownHostException;
}
