package io.gatehouse.bench.scg;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/**
 * Spring Cloud Gateway as a benchmark peer: the route is in application.yaml (Path=/** to ${upstream}), so this
 * class only starts Spring Boot.
 */
@SpringBootApplication
public class ScgBench {
    public static void main(String[] args) {
        SpringApplication.run(ScgBench.class, args);
    }
}
