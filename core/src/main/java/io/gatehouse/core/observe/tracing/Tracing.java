package io.gatehouse.core.observe.tracing;

import io.gatehouse.core.config.TracingConfig;
import io.gatehouse.core.observe.RequestObserver;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.exporter.otlp.http.trace.OtlpHttpSpanExporter;
import io.opentelemetry.exporter.otlp.http.trace.OtlpHttpSpanExporterBuilder;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.SpanProcessor;
import io.opentelemetry.sdk.trace.export.BatchSpanProcessor;
import io.opentelemetry.sdk.trace.samplers.Sampler;

import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The gateway's tracer: an OpenTelemetry SDK tracer provider exporting through a batch span processor (a bounded
 * queue: a slow or dead collector costs dropped spans, never slower requests), or nothing when no exporter is
 * configured. It is the {@link RequestObserver.Factory} of the route chains: each chain's observer records what a
 * sampled exchange did and builds its spans when it completes.
 *
 * <p>Built once when the gateway starts ({@code tracing.service_name} and {@code tracing.otlp} take effect on
 * restart); {@code tracing.sample_ratio} is read by every request from the serving generation's config.
 */
public final class Tracing implements RequestObserver.Factory, AutoCloseable {

    private static final System.Logger LOG = System.getLogger(Tracing.class.getName());
    private static final AttributeKey<String> SERVICE_NAME = AttributeKey.stringKey("service.name");
    private static final int QUEUE = 4096;
    private static final int BATCH = 512;

    /** Propagates trace context and records nothing. */
    public static final Tracing OFF = new Tracing(null, null);

    private final SdkTracerProvider provider;
    private final SpanBuilding spans;

    private Tracing(SdkTracerProvider provider, PresetIds ids) {
        this.provider = provider;
        this.spans = provider == null ? null : new SpanBuilding(tracer(provider), ids);
    }

    private static Tracer tracer(SdkTracerProvider provider) {
        return provider.get("io.gatehouse");
    }

    /**
     * The tracer a config asks for.
     *
     * @param config    the {@code tracing:} block
     * @param processor where spans go instead of the configured exporter (tests, embedding), or {@code null}
     * @return a tracer exporting through {@code processor}, or to {@code tracing.otlp}; {@link #OFF} with neither
     */
    public static Tracing of(TracingConfig config, SpanProcessor processor) {
        SpanProcessor chosen = processor != null ? processor
                : config.otlp() == null ? null : batch(config.otlp());
        if (chosen == null) {
            return OFF;
        }
        PresetIds ids = new PresetIds();
        SdkTracerProvider provider = SdkTracerProvider.builder()
                .setResource(Resource.getDefault().merge(Resource.create(
                        Attributes.of(SERVICE_NAME, config.serviceName()))))
                // the gateway samples when the trace context is made at intake; what reaches the SDK is sampled
                .setSampler(Sampler.alwaysOn())
                .setIdGenerator(ids)
                .addSpanProcessor(chosen)
                .build();
        if (processor == null) {
            LOG.log(Level.INFO, "tracing: exporting spans to {0}", config.otlp().endpoint());
        }
        return new Tracing(provider, ids);
    }

    private static SpanProcessor batch(TracingConfig.Otlp otlp) {
        OtlpHttpSpanExporterBuilder exporter = OtlpHttpSpanExporter.builder()
                .setEndpoint(otlp.endpoint())
                .setTimeout(otlp.timeout());
        otlp.headers().forEach(exporter::addHeader);
        return BatchSpanProcessor.builder(exporter.build())
                .setMaxQueueSize(QUEUE)
                .setMaxExportBatchSize(BATCH)
                .setScheduleDelay(Duration.ofSeconds(1))
                .setExporterTimeout(otlp.timeout())
                .build();
    }

    @Override
    public RequestObserver forChain(String routeId, List<String> filterNames) {
        return spans == null ? RequestObserver.NOOP : new TracingObserver(spans, routeId, filterNames);
    }

    /** Exports what is queued (waiting at most a few seconds for the collector), then stops. */
    @Override
    public void close() {
        if (provider != null) {
            provider.shutdown().join(5, TimeUnit.SECONDS);
        }
    }
}
