"""pyspark-notebook: Apache Spark and the Java runtime it runs on."""

from inspections.library import java, spark

spark_tag = spark.spark_tag
java_tag = java.java_tag
spark_info_manifest = spark.spark_info_manifest
