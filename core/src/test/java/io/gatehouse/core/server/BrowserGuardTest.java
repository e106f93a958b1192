package io.gatehouse.core.server;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.junit.jupiter.api.Assertions.assertEquals;

class BrowserGuardTest {

    @ParameterizedTest(name = "open={0} Host={1} Origin={2} Sec-Fetch-Site={3} → allowed={4}")
    @CsvSource(nullValues = "-", value = {
            // clients that are not browsers
            "true,  127.0.0.1:9080, -, -, true",
            "true,  localhost:9080, -, -, true",
            "true,  LOCALHOST, -, -, true",
            "true,  '[::1]:9080', -, -, true",
            "true,  127.0.0.2:9080, -, -, true",
            // DNS rebinding: a foreign name that resolves to loopback
            "true,  evil.example:9080, -, -, false",
            "true,  127.0.0.1.evil.example, -, -, false",
            "true,  127.0.0.256, -, -, false",
            "true,  -, -, -, false",
            // with tokens, any Host (a reverse proxy, a DNS name)
            "false, admin.internal:9080, -, -, true",
            // the dashboard itself
            "true,  127.0.0.1:9080, http://127.0.0.1:9080, same-origin, true",
            "false, admin.internal, https://admin.internal, same-origin, true",
            // another site's page
            "true,  127.0.0.1:9080, http://evil.example, cross-site, false",
            "true,  127.0.0.1:9080, http://evil.example, -, false",
            "true,  127.0.0.1:9080, -, cross-site, false",
            "true,  127.0.0.1:9080, -, same-site, false",
            "false, admin.internal, http://admin.internal.evil.example, -, false",
            "true,  127.0.0.1:9080, null, -, false",
            "true,  127.0.0.1:9080, -, none, true",
    })
    void refusesWhatABrowserSentForAnotherSite(boolean open, String host, String origin, String site,
                                               boolean allowed) {
        assertEquals(allowed, BrowserGuard.refusal(open, host, origin, site) == null);
    }
}
