package io.gatehouse.plugins.access;

import io.gatehouse.core.testing.RecordingResolver;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class IpBlockTest {

    record Parsed(String text, String block) {
        @Override
        public String toString() {
            return text;
        }
    }

    static List<Parsed> validBlocks() {
        return List.of(
                new Parsed("10.0.0.0/8", "10.0.0.0/8"),
                new Parsed("192.0.2.7", "192.0.2.7/32"),
                new Parsed("0.0.0.0/0", "0.0.0.0/0"),
                new Parsed("255.255.255.255/32", "255.255.255.255/32"),
                new Parsed("2001:db8::/32", "2001:db8:0:0:0:0:0:0/32"),
                new Parsed("::1", "0:0:0:0:0:0:0:1/128"),
                new Parsed("::/0", "0:0:0:0:0:0:0:0/0"),
                new Parsed("2001:DB8:0:0:1::/80", "2001:db8:0:0:1:0:0:0/80"),
                new Parsed("fe80::/10", "fe80:0:0:0:0:0:0:0/10"),
                new Parsed("1:2:3:4:5:6:7:8", "1:2:3:4:5:6:7:8/128"),
                new Parsed("2001:db8::8000:0/97", "2001:db8:0:0:0:0:8000:0/97"),
                new Parsed("2001:db8:0:0:8000::/65", "2001:db8:0:0:8000:0:0:0/65"),
                new Parsed("::ffff:10.0.0.0/104", "10.0.0.0/8"),
                new Parsed("::ffff:10.1.2.3", "10.1.2.3/32"),
                new Parsed("::ffff:0:0/96", "0.0.0.0/0"),
                new Parsed("64:ff9b::192.0.2.0/120", "64:ff9b:0:0:0:0:c000:200/120"));
    }

    @ParameterizedTest
    @MethodSource("validBlocks")
    void readsBlocksAndSingleAddresses(Parsed c) {
        assertEquals(c.block(), IpBlock.parse(c.text()).toString());
    }

    record Refused(String text, String says) {
        @Override
        public String toString() {
            return text;
        }
    }

    static List<Refused> invalidBlocks() {
        String notIp = "is not an IP address or CIDR block";
        return List.of(
                new Refused("10.0.0.0/33", "an IPv4 prefix is 0 to 32"),
                new Refused("2001:db8::/129", "an IPv6 prefix is 0 to 128"),
                new Refused("10.0.0.0/-1", "invalid prefix length"),
                new Refused("10.0.0.0/", "invalid prefix length"),
                new Refused("10.0.0.0/8/8", "invalid prefix length"),
                new Refused("10.0.0.0/ 8", "invalid prefix length"),
                new Refused("10.0.0.1/8", "write 10.0.0.0/8 for the block, or 10.0.0.1 alone"),
                new Refused("192.168.1.1/24", "write 192.168.1.0/24"),
                new Refused("2001:db8::1/32", "address bits set after the /32 prefix"),
                new Refused("::ffff:10.0.0.1/104", "address bits set after the /104 prefix"),
                new Refused("::ffff:0:0/80", "address bits set"),
                new Refused("10.0.0", notIp),
                new Refused("10.0.0.0.0", notIp),
                new Refused("256.0.0.0", notIp),
                new Refused("010.0.0.0/8", notIp),
                new Refused("1.2.3.04", notIp),
                new Refused("1.2.3.", notIp),
                new Refused(".1.2.3", notIp),
                new Refused("1.2.3.4 ", notIp),
                new Refused("evil.example", notIp),
                new Refused("localhost", notIp),
                new Refused("0x7f.0.0.1", notIp),
                new Refused("2130706433", notIp),
                new Refused("1:2:3:4:5:6:7:8:9", notIp),
                new Refused("1:2:3:4:5:6:7", notIp),
                new Refused("1::2::3", notIp),
                new Refused("12345::", notIp),
                new Refused("g::1", notIp),
                new Refused("[::1]", notIp),
                new Refused("fe80::1%eth0", notIp),
                new Refused("::1.2.3.4.5", notIp),
                new Refused("1.2.3.4::", notIp),
                new Refused("", notIp));
    }

    @ParameterizedTest
    @MethodSource("invalidBlocks")
    void refusesWhatIsNotABlockSayingWhy(Refused c) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> IpBlock.parse(c.text()));
        assertTrue(e.getMessage().contains(c.says()), e.getMessage());
    }

    @Test
    void neverLooksANameUp() {
        assertThrows(IllegalArgumentException.class, () -> IpBlock.parse("never-resolved.invalid"));
        assertNull(IpAddress.parseClient("also-never-resolved.invalid"));
        assertTrue(RecordingResolver.lookedUp().stream().noneMatch(name -> name.contains("never-resolved")),
                RecordingResolver.lookedUp().toString());
    }

    record Contains(String block, String client, boolean inside) {
        @Override
        public String toString() {
            return client + (inside ? " in " : " not in ") + block;
        }
    }

    static List<Contains> membership() {
        return List.of(
                new Contains("10.0.0.0/8", "10.255.255.255", true),
                new Contains("10.0.0.0/8", "11.0.0.0", false),
                new Contains("10.0.0.0/8", "::ffff:10.0.0.1", true),
                new Contains("10.0.0.0/8", "[::ffff:10.0.0.1]", true),
                new Contains("10.0.0.0/8", "::FFFF:a00:1", true),
                new Contains("10.0.0.0/8", "0:0:0:0:0:ffff:10.9.9.9", true),
                new Contains("::ffff:10.0.0.0/104", "10.1.1.1", true),
                new Contains("10.0.0.1", "10.0.0.1", true),
                new Contains("10.0.0.1", "10.0.0.2", false),
                new Contains("0.0.0.0/0", "203.0.113.9", true),
                new Contains("0.0.0.0/0", "2001:db8::1", false),
                new Contains("::/0", "2001:db8::1", true),
                new Contains("::/0", "10.0.0.1", false),
                new Contains("::/0", "::ffff:10.0.0.1", false),
                new Contains("2001:db8::/32", "2001:db8:ffff:ffff:ffff:ffff:ffff:ffff", true),
                new Contains("2001:db8::/32", "2001:db9::", false),
                new Contains("2001:db8::/32", "[2001:db8::1]", true),
                new Contains("fe80::/10", "fe80::1%eth0", true),
                new Contains("fe80::/10", "febf::1", true),
                new Contains("fe80::/10", "fec0::1", false),
                new Contains("2001:db8:0:0:8000::/65", "2001:db8::8000:0:0:1", true),
                new Contains("2001:db8:0:0:8000::/65", "2001:db8::7fff:0:0:1", false),
                new Contains("2001:db8::8000:0/97", "2001:db8::8000:1", true),
                new Contains("2001:db8::8000:0/97", "2001:db8::7fff:ffff", false),
                new Contains("::1", "::1", true),
                new Contains("::1", "127.0.0.1", false),
                new Contains("127.0.0.1", "::1", false));
    }

    @ParameterizedTest
    @MethodSource("membership")
    void aClientAddressIsInsideOrOutside(Contains c) {
        IpAddress client = IpAddress.parseClient(c.client());
        assertEquals(c.inside(), IpBlock.parse(c.block()).contains(client));
    }

    @Test
    void clientAddressesThatAreNoLiteralsReadAsNothing() {
        for (String text : List.of("", "[]", "[1.2.3.4]", "[1.2.3.4]x", "1.2.3.4%eth0", "host", "1.2.3.4:80",
                "[::1]:80", "::1]")) {
            assertNull(IpAddress.parseClient(text), text);
        }
    }
}
