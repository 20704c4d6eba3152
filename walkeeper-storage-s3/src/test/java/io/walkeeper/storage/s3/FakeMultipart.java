package io.walkeeper.storage.s3;

import io.walkeeper.storage.s3.FakeS3Server.Request;
import io.walkeeper.storage.s3.FakeS3Server.Responder;
import io.walkeeper.storage.s3.FakeS3Server.Response;
import java.util.Map;

/** Scripted answers to the requests of a multipart upload, for {@link FakeS3Server}. */
final class FakeMultipart {
    static final String UPLOAD_ID = "fake-upload-1";

    private FakeMultipart() {
    }

    /** Accepts the upload but answers every UploadPart with an error. */
    static Responder failingParts(int status, String code) {
        return request -> isPart(request) ? Response.error(status, code, "part refused") : answer(request);
    }

    /** Accepts everything, taking {@code millis} per part so that parallel parts overlap. */
    static Responder slowParts(long millis) {
        return request -> {
            if (isPart(request)) {
                Thread.sleep(millis);
            }
            return answer(request);
        };
    }

    private static boolean isPart(Request request) {
        return request.method().equals("PUT") && request.hasQuery("partNumber=");
    }

    private static Response answer(Request request) {
        if (request.method().equals("POST") && request.hasQuery("uploads")) {
            return Response.ok("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<InitiateMultipartUploadResult>"
                    + "<Bucket>b</Bucket><Key>k</Key><UploadId>" + UPLOAD_ID + "</UploadId>"
                    + "</InitiateMultipartUploadResult>");
        }
        if (isPart(request)) {
            return Response.empty(200, Map.of("ETag", "\"etag-" + request.query().hashCode() + "\""));
        }
        if (request.method().equals("POST") && request.hasQuery("uploadId=")) {
            return Response.ok("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<CompleteMultipartUploadResult>"
                    + "<Bucket>b</Bucket><Key>k</Key><ETag>\"done-1\"</ETag></CompleteMultipartUploadResult>");
        }
        if (request.method().equals("DELETE")) {
            return Response.empty(204, Map.of());
        }
        return Response.empty(200, Map.of("ETag", "\"e\""));
    }
}
