/*
 * The floor of a Lambda custom runtime: a native program that only speaks the Runtime API. It asks /next,
 * answers every event with the same small Function URL response, and repeats; no configuration, no clients,
 * no logging. ColdStartReport compiles it with `cc -O2` at benchmark time and starts it exactly as it starts
 * bootstrap, so the ratio between the two is what the host itself costs on this machine.
 */
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <unistd.h>

static const char ANSWER[] =
    "{\"statusCode\":200,\"headers\":{\"content-type\":\"application/json\"},"
    "\"body\":\"{\\\"output_text\\\":\\\"floor\\\"}\",\"isBase64Encoded\":false}";

static char buffer[1 << 20];

static int connect_to(const char *host, const char *port) {
    struct addrinfo hints = {0}, *found;
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    if (getaddrinfo(host, port, &hints, &found) != 0) return -1;
    int fd = socket(found->ai_family, found->ai_socktype, found->ai_protocol);
    int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    if (connect(fd, found->ai_addr, found->ai_addrlen) != 0) fd = -1;
    freeaddrinfo(found);
    return fd;
}

static int send_all(int fd, const char *data, size_t length) {
    while (length > 0) {
        ssize_t n = write(fd, data, length);
        if (n <= 0) return -1;
        data += n;
        length -= (size_t)n;
    }
    return 0;
}

/* Reads one response; copies the request id header into request_id when present. Returns 0 on success. */
static int read_response(int fd, char *request_id, size_t request_id_size) {
    size_t have = 0;
    char *end = NULL;
    while (!(end = strstr(buffer, "\r\n\r\n"))) {
        ssize_t n = read(fd, buffer + have, sizeof buffer - 1 - have);
        if (n <= 0) return -1;
        have += (size_t)n;
        buffer[have] = 0;
    }
    size_t head = (size_t)(end - buffer) + 4, length = 0;
    for (char *line = strstr(buffer, "\r\n") + 2; line < end; line = strstr(line, "\r\n") + 2) {
        if (strncasecmp(line, "Content-Length:", 15) == 0) length = strtoul(line + 15, NULL, 10);
        if (request_id && strncasecmp(line, "Lambda-Runtime-Aws-Request-Id:", 30) == 0) {
            const char *value = line + 30;
            while (*value == ' ') value++;
            size_t n = strcspn(value, "\r");
            if (n >= request_id_size) n = request_id_size - 1;
            memcpy(request_id, value, n);
            request_id[n] = 0;
        }
    }
    while (have < head + length) { /* the event body is not needed, only read past */
        ssize_t n = read(fd, buffer + have, sizeof buffer - 1 - have);
        if (n <= 0) return -1;
        have += (size_t)n;
    }
    buffer[0] = 0;
    return 0;
}

int main(void) {
    const char *api = getenv("AWS_LAMBDA_RUNTIME_API");
    if (!api) return 2;
    char host[256], *colon;
    snprintf(host, sizeof host, "%s", api);
    if (!(colon = strrchr(host, ':'))) return 2;
    *colon = 0;
    int fd = connect_to(host, colon + 1);
    if (fd < 0) return 1;

    char request[512], request_id[128];
    for (;;) {
        int n = snprintf(request, sizeof request, "GET /2018-06-01/runtime/invocation/next HTTP/1.1\r\nHost: %s\r\n\r\n", api);
        if (send_all(fd, request, (size_t)n) || read_response(fd, request_id, sizeof request_id)) return 1;
        n = snprintf(request, sizeof request,
            "POST /2018-06-01/runtime/invocation/%s/response HTTP/1.1\r\nHost: %s\r\n"
            "Content-Type: application/json\r\nContent-Length: %zu\r\n\r\n", request_id, api, sizeof ANSWER - 1);
        if (send_all(fd, request, (size_t)n) || send_all(fd, ANSWER, sizeof ANSWER - 1) || read_response(fd, NULL, 0)) return 1;
    }
}
