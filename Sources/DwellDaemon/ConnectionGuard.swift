import Foundation
import HTTPTypes
import NIOCore
import NIOHTTP1
import NIOHTTPTypes
import NIOHTTPTypesHTTP1
import Synchronization

/// Limits on what clients may hold open, so that idle, slow or half-open connections cannot
/// starve the kiosk page of the daemon's attention or of file descriptors.
public struct ServerLimits: Sendable, Equatable {
    /// Connections open at once; the next one is answered 503 and closed.
    public var connections: Int
    /// A connection with no complete request head for this long is closed (idle keep-alive
    /// connections, half-open sockets and slowly trickled headers alike).
    public var idleTimeout: Duration
    /// A request's head and body must have arrived within this long of its head.
    public var requestTimeout: Duration

    public init(connections: Int = 4_096, idleTimeout: Duration = .seconds(15), requestTimeout: Duration = .seconds(10))
    {
        self.connections = connections
        self.idleTimeout = idleTimeout
        self.requestTimeout = requestTimeout
    }

    public static let standard = ServerLimits()
}

/// How many connections are open now, shared by every connection's guard.
final class ConnectionCount: Sendable {
    let open = Atomic<Int>(0)
}

/// One per connection, after HTTP decoding: counts the connection, answers 503 problem+json
/// (and closes) past the limit, and closes a connection whose request takes longer than
/// `requestTimeout` to arrive.
final class ConnectionGuard: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart
    typealias OutboundIn = HTTPResponsePart
    typealias OutboundOut = HTTPResponsePart

    let count: ConnectionCount
    let limits: ServerLimits
    private var counted = false
    private var refused = false
    private var answered = false
    private var requestDeadline: Scheduled<Void>?

    init(count: ConnectionCount, limits: ServerLimits) {
        self.count = count
        self.limits = limits
    }

    func handlerAdded(context: ChannelHandlerContext) {
        // The HTTP/1 version is gone past the codec: mark a request that does not keep the
        // connection alive (HTTP/1.0 without keep-alive, `Connection: close`) before it.
        let pipeline = context.pipeline.syncOperations
        if let codec = try? pipeline.handler(type: HTTP1ToHTTPServerCodec.self) {
            try? pipeline.addHandler(KeepAliveMarker(), position: .before(codec))
        }
        counted = true
        let now = count.open.add(1, ordering: .relaxed).newValue
        refused = now > limits.connections
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        release()
    }

    func channelInactive(context: ChannelHandlerContext) {
        release()
        context.fireChannelInactive()
    }

    /// The connection is gone: its place is free (once) and its deadline void.
    private func release() {
        requestDeadline?.cancel()
        guard counted else { return }
        counted = false
        count.open.subtract(1, ordering: .relaxed)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let part = unwrapInboundIn(data)
        if refused {
            if case .head = part, !answered {
                answered = true
                refuse(context)
            }
            return
        }
        switch part {
        case .head:
            requestDeadline?.cancel()
            requestDeadline = context.eventLoop.assumeIsolated().scheduleTask(in: TimeAmount(limits.requestTimeout)) {
                context.close(promise: nil)
            }
        case .end:
            requestDeadline?.cancel()
            requestDeadline = nil
        case .body:
            break
        }
        context.fireChannelRead(data)
    }

    /// 503 problem+json, then the connection is closed.
    private func refuse(_ context: ChannelHandlerContext) {
        let body =
            #"{"detail":"the daemon has \#(limits.connections) connections open; close idle ones and try again","#
            + #""status":503,"title":"Too many connections","type":"about:blank"}"#
        var head = HTTPResponse(status: .serviceUnavailable)
        head.headerFields = [
            .contentType: "application/problem+json", .contentLength: String(body.utf8.count),
            .connection: "close", .retryAfter: "5",
        ]
        context.write(wrapOutboundOut(.head(head)), promise: nil)
        context.write(wrapOutboundOut(.body(context.channel.allocator.buffer(string: body))), promise: nil)
        let channel = context.channel
        context.writeAndFlush(wrapOutboundOut(.end(nil))).whenComplete { _ in channel.close(promise: nil) }
    }
}

/// Writes `Connection: close` on a request that does not keep its connection alive, so the
/// server closes the connection after the answer (HTTP/1.0 connections were left open).
final class KeepAliveMarker: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias InboundOut = HTTPServerRequestPart

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard case .head(var head) = unwrapInboundIn(data), !head.isKeepAlive else {
            context.fireChannelRead(data)
            return
        }
        head.headers.replaceOrAdd(name: "connection", value: "close")
        context.fireChannelRead(wrapInboundOut(.head(head)))
    }
}
