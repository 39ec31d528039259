package io.floe.testsupport.s3;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A fault-injecting HTTP front for an S3 endpoint: it listens on a free loopback port, forwards
 * requests byte for byte to the real endpoint (the Host header is kept, so SigV4 signatures still
 * verify) and can be told to answer the next requests with an error status, to delay them or to
 * drop the connection. This proves retry behaviour over real sockets without mocking the SDK.
 *
 * <p>Each connection carries exactly one request ({@code Connection: close} is forced on both
 * sides) so that every request is seen, counted and can be faulted on its own.
 */
public final class FaultyS3Front implements AutoCloseable {
  private static final byte[] HEAD_END = {'\r', '\n', '\r', '\n'};
  private static final int MAX_HEAD_BYTES = 64 * 1024;

  /** What to do with one request instead of (or before) forwarding it. */
  private sealed interface Fault permits Respond, Delay, Drop, LoseResponse {}

  private record Respond(int status, String code) implements Fault {}

  private record Delay(Duration delay) implements Fault {}

  private record Drop() implements Fault {}

  private record LoseResponse() implements Fault {}

  private final InetSocketAddress upstream;
  private final ServerSocket listener;
  private final ExecutorService connections;
  private final Deque<Fault> planned = new ConcurrentLinkedDeque<>();
  private final AtomicInteger requestCount = new AtomicInteger();
  private final List<String> requestLines = new ArrayList<>();
  private volatile Fault standing;
  private volatile boolean opaqueEtags;

  private FaultyS3Front(URI upstreamEndpoint) throws IOException {
    this.upstream = new InetSocketAddress(upstreamEndpoint.getHost(), upstreamEndpoint.getPort());
    this.listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    this.connections =
        Executors.newCachedThreadPool(
            r -> {
              Thread t = new Thread(r, "faulty-s3-front");
              t.setDaemon(true);
              return t;
            });
    connections.execute(this::acceptLoop);
  }

  /** Starts a front forwarding to {@code upstreamEndpoint} (an {@code http://host:port} URI). */
  public static FaultyS3Front start(URI upstreamEndpoint) {
    try {
      return new FaultyS3Front(upstreamEndpoint);
    } catch (IOException e) {
      throw new IllegalStateException("cannot open the fault-injecting front", e);
    }
  }

  /** The endpoint clients should use instead of the real one. */
  public URI endpoint() {
    return URI.create("http://127.0.0.1:" + listener.getLocalPort());
  }

  /** Answers the next {@code n} requests with {@code status} and S3 error code {@code code}. */
  public FaultyS3Front failNext(int n, int status, String code) {
    return plan(n, new Respond(status, code));
  }

  /** Answers the next {@code n} requests with 503 SlowDown (S3 throttling). */
  public FaultyS3Front slowDownNext(int n) {
    return failNext(n, 503, "SlowDown");
  }

  /** Holds the next {@code n} requests for {@code delay} before forwarding them. */
  public FaultyS3Front delayNext(int n, Duration delay) {
    return plan(n, new Delay(delay));
  }

  /** Forwards the next {@code n} requests untouched; faults planned after them wait their turn. */
  public FaultyS3Front passNext(int n) {
    return plan(n, new Delay(Duration.ZERO));
  }

  /** Closes the connection of the next {@code n} requests without answering. */
  public FaultyS3Front dropNext(int n) {
    return plan(n, new Drop());
  }

  /**
   * Forwards the next {@code n} requests but resets the connection instead of passing the answer
   * on: the request took effect, the client cannot know (an unknown outcome).
   */
  public FaultyS3Front loseResponseNext(int n) {
    return plan(n, new LoseResponse());
  }

  /**
   * From now on, answers as a bucket encrypting with SSE-KMS would: every {@code ETag} header is
   * replaced by an opaque value that is not the MD5 of the bytes (nor of the parts), and the answer
   * says {@code x-amz-server-side-encryption: aws:kms}.
   */
  public FaultyS3Front opaqueEtags() {
    opaqueEtags = true;
    return this;
  }

  /** Answers every request with {@code status} until {@link #heal()}. */
  public FaultyS3Front failAll(int status, String code) {
    standing = new Respond(status, code);
    return this;
  }

  /** Forgets every planned and standing fault: requests are forwarded again. */
  public FaultyS3Front heal() {
    standing = null;
    planned.clear();
    return this;
  }

  /** How many requests reached the front since it started or since {@link #resetCount()}. */
  public int requestCount() {
    return requestCount.get();
  }

  /** The request lines seen ({@code "PUT /bucket/key HTTP/1.1"}), oldest first. */
  public List<String> requestLines() {
    synchronized (requestLines) {
      return List.copyOf(requestLines);
    }
  }

  public void resetCount() {
    synchronized (requestLines) {
      requestCount.set(0);
      requestLines.clear();
    }
  }

  @Override
  public void close() {
    try {
      listener.close();
    } catch (IOException e) {
      // closing: nothing left to do with the listener
    }
    connections.shutdownNow();
  }

  private FaultyS3Front plan(int n, Fault fault) {
    for (int i = 0; i < n; i++) {
      planned.addLast(fault);
    }
    return this;
  }

  private void acceptLoop() {
    while (!listener.isClosed()) {
      try {
        Socket client = listener.accept();
        connections.execute(() -> serve(client));
      } catch (IOException e) {
        return; // listener closed
      }
    }
  }

  private void serve(Socket client) {
    try (client) {
      InputStream in = client.getInputStream();
      byte[] head = readHead(in);
      if (head == null) {
        return;
      }
      RequestHead request = RequestHead.parse(head);
      synchronized (requestLines) {
        requestCount.incrementAndGet();
        requestLines.add(request.requestLine());
      }
      Fault fault = planned.pollFirst();
      if (fault == null) {
        fault = standing;
      }
      if (fault instanceof Drop) {
        client.setSoLinger(true, 0); // reset, as a crashed server would
        return;
      }
      if (fault instanceof Respond respond) {
        answer(client, in, request, respond);
        return;
      }
      if (fault instanceof Delay delay && !delay.delay().isZero()) {
        Thread.sleep(delay.delay().toMillis()); // the injected latency itself
      }
      forward(client, in, request, !(fault instanceof LoseResponse));
    } catch (IOException | InterruptedException e) {
      // the client or the upstream went away: the connection simply ends
    }
  }

  private void answer(Socket client, InputStream in, RequestHead request, Respond respond)
      throws IOException {
    if (!request.expectsContinue()) {
      in.skipNBytes(request.contentLength()); // let the client finish sending before we answer
    }
    byte[] body =
        ("<?xml version=\"1.0\" encoding=\"UTF-8\"?><Error><Code>"
                + respond.code()
                + "</Code><Message>injected by FaultyS3Front</Message></Error>")
            .getBytes(StandardCharsets.UTF_8);
    String head =
        "HTTP/1.1 "
            + respond.status()
            + " Injected\r\nContent-Type: application/xml\r\nContent-Length: "
            + body.length
            + "\r\nConnection: close\r\n\r\n";
    OutputStream out = client.getOutputStream();
    out.write(head.getBytes(StandardCharsets.US_ASCII));
    if (!request.method().equals("HEAD")) {
      out.write(body);
    }
    out.flush();
  }

  private void forward(Socket client, InputStream in, RequestHead request, boolean answer)
      throws IOException {
    try (Socket server = new Socket()) {
      server.connect(upstream, 5_000);
      OutputStream toServer = server.getOutputStream();
      toServer.write(request.withConnectionClose());
      toServer.flush();
      connections.execute(() -> pump(in, toServer));
      if (answer) {
        InputStream fromServer = server.getInputStream();
        OutputStream toClient = client.getOutputStream();
        if (opaqueEtags) {
          byte[] head = readHead(fromServer);
          if (head == null) {
            return;
          }
          toClient.write(asIfKmsEncrypted(head));
        }
        fromServer.transferTo(toClient);
        toClient.flush();
      } else {
        server.getInputStream().transferTo(OutputStream.nullOutputStream());
        client.setSoLinger(true, 0); // reset: the client sees the connection die, not the answer
      }
    }
  }

  /** A response head with opaque ETags and the SSE-KMS header, as S3 sends for such objects. */
  private static byte[] asIfKmsEncrypted(byte[] head) {
    String[] lines = new String(head, StandardCharsets.ISO_8859_1).split("\r\n");
    StringBuilder sb = new StringBuilder(lines[0]).append("\r\n");
    boolean hasEtag = false;
    for (int i = 1; i < lines.length; i++) {
      String lower = lines[i].toLowerCase(Locale.ROOT);
      if (lines[i].isEmpty() || lower.startsWith("x-amz-server-side-encryption")) {
        continue;
      }
      if (lower.startsWith("etag:")) {
        hasEtag = true;
        sb.append("ETag: \"").append(opaque(lines[i].substring(5).trim())).append("\"\r\n");
      } else {
        sb.append(lines[i]).append("\r\n");
      }
    }
    if (hasEtag) {
      sb.append("x-amz-server-side-encryption: aws:kms\r\n");
    }
    return sb.append("\r\n").toString().getBytes(StandardCharsets.ISO_8859_1);
  }

  private static String opaque(String etag) {
    try {
      byte[] digest =
          MessageDigest.getInstance("SHA-256")
              .digest(("kms:" + etag).getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(digest, 0, 16);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JVM has SHA-256", e);
    }
  }

  private static void pump(InputStream from, OutputStream to) {
    try {
      from.transferTo(to);
      to.flush();
    } catch (IOException e) {
      // one side closed: the response side ends the exchange
    }
  }

  private static byte[] readHead(InputStream in) throws IOException {
    ByteArrayOutputStream head = new ByteArrayOutputStream();
    int matched = 0;
    while (matched < HEAD_END.length) {
      int b = in.read();
      if (b < 0) {
        return null;
      }
      head.write(b);
      matched = b == HEAD_END[matched] ? matched + 1 : (b == '\r' ? 1 : 0);
      if (head.size() > MAX_HEAD_BYTES) {
        throw new IOException("request head too large");
      }
    }
    return head.toByteArray();
  }

  /** The request line and headers of one HTTP/1.1 request. */
  private record RequestHead(String requestLine, List<String> headers) {
    static RequestHead parse(byte[] bytes) {
      String[] lines = new String(bytes, StandardCharsets.ISO_8859_1).split("\r\n");
      List<String> headers = new ArrayList<>();
      for (int i = 1; i < lines.length; i++) {
        if (!lines[i].isEmpty()) {
          headers.add(lines[i]);
        }
      }
      return new RequestHead(lines[0], headers);
    }

    String method() {
      return requestLine.substring(0, requestLine.indexOf(' '));
    }

    String header(String name) {
      String prefix = name.toLowerCase(Locale.ROOT) + ":";
      for (String h : headers) {
        if (h.toLowerCase(Locale.ROOT).startsWith(prefix)) {
          return h.substring(prefix.length()).trim();
        }
      }
      return null;
    }

    long contentLength() {
      String value = header("Content-Length");
      return value == null ? 0 : Long.parseLong(value);
    }

    boolean expectsContinue() {
      String value = header("Expect");
      return value != null && value.equalsIgnoreCase("100-continue");
    }

    /** The head again, with any Connection header replaced by {@code Connection: close}. */
    byte[] withConnectionClose() {
      StringBuilder sb = new StringBuilder(requestLine).append("\r\n");
      for (String h : headers) {
        if (!h.toLowerCase(Locale.ROOT).startsWith("connection:")) {
          sb.append(h).append("\r\n");
        }
      }
      sb.append("Connection: close\r\n\r\n");
      return sb.toString().getBytes(StandardCharsets.ISO_8859_1);
    }
  }
}
