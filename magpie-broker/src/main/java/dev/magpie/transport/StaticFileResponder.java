package dev.magpie.transport;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.HttpChunkedInput;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.stream.ChunkedNioFile;
import io.netty.handler.stream.ChunkedWriteHandler;

import java.io.IOException;

/**
 * Writes a static file as a {@code 200} answer, streamed: the {@link ChunkedWriteHandler} of the HTTP pipeline
 * reads the next {@value #CHUNK} byte chunk only while the channel is writable, and an HTTP connection's
 * write-buffer water mark ({@link #WATER_MARK}) makes it unwritable once a chunk is waiting, so an answer holds
 * at most about two chunks of memory whether the file has 4 KB or 4 GB and whether the client reads or not
 * (the same on TLS, where a zero-copy file region is impossible). The {@code Content-Length} is the size at
 * opening; a {@code HEAD} gets the headers only.
 */
final class StaticFileResponder {
    /** Bytes read from the file per step. */
    static final int CHUNK = 16 * 1024;
    /** The water mark of a connection while it speaks HTTP: unwritable as soon as more than one chunk waits. */
    static final WriteBufferWaterMark WATER_MARK = new WriteBufferWaterMark(CHUNK / 2, CHUNK);

    private StaticFileResponder() {
    }

    /** On the event loop: writes the answer and returns the future of its last write; the file is closed when done. */
    static ChannelFuture write(ChannelHandlerContext ctx, StaticFiles.Found found, boolean keepAlive, boolean head) {
        if (head) {
            close(found);
            DefaultFullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK, Unpooled.EMPTY_BUFFER);
            headers(response, found, keepAlive);
            return ctx.writeAndFlush(response);
        }
        HttpResponse response = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
        headers(response, found, keepAlive);
        ctx.write(response);
        try {
            return ctx.writeAndFlush(new HttpChunkedInput(new FileChunks(found)));
        } catch (IOException e) {
            close(found); // the file was closed or truncated under us: the head is not flushed, the connection closes
            return ctx.newFailedFuture(e);
        }
    }

    /**
     * The file's chunks, failing instead of yielding empty chunks when the file shrank after opening (truncated
     * in place while being sent): {@link ChunkedNioFile} would offer empty chunks forever, and the chunked
     * writer would spin on them.
     */
    private static final class FileChunks extends ChunkedNioFile {
        FileChunks(StaticFiles.Found found) throws IOException {
            super(found.file(), 0, found.length(), CHUNK);
        }

        @Override
        public ByteBuf readChunk(ByteBufAllocator allocator) throws Exception {
            ByteBuf chunk = super.readChunk(allocator);
            if (chunk != null && !chunk.isReadable() && !isEndOfInput()) {
                chunk.release();
                throw new IOException("the file shrank while being sent");
            }
            return chunk;
        }
    }

    private static void headers(HttpResponse response, StaticFiles.Found found, boolean keepAlive) {
        response.headers().set(HttpHeaderNames.CONTENT_TYPE, found.contentType())
                .set(HttpHeaderNames.CONTENT_LENGTH, found.length())
                .set("X-Content-Type-Options", "nosniff");
        HttpUtil.setKeepAlive(response, keepAlive);
    }

    /** Closes a file that will not be written (its connection went away meanwhile). */
    static void close(StaticFiles.Found found) {
        try {
            found.file().close();
        } catch (IOException e) {
            // nothing was read from it, nothing to lose
        }
    }
}
